using Argus.Arrests.V1;
using Argus.Client.Security;
using Argus.Connectivity.V1;
using Argus.Evidence.V1;
using Argus.Exchange.V1;
using Argus.Intercepts.V1;
using Argus.Lookup.V1;
using Argus.Operations.V1;
using Argus.Replica.V1;
using Argus.Searches.V1;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Argus.Client;

/// <summary>
/// A connection to one agency service, with a client per API. Reads and creates (which carry a
/// request_id) are retried on Unavailable; updates are not, since a retried update could apply twice.
/// </summary>
public sealed class AgencyClient : IDisposable
{
    private readonly GrpcChannel channel;

    public AgencyClient(Uri address, ArgusChannelOptions? options = null)
    {
        var invoker = ArgusChannel.Create(address, options ?? new ArgusChannelOptions(), IdempotentMethods(), out channel);
        Operations = new OperationService.OperationServiceClient(invoker);
        HouseSearches = new HouseSearchService.HouseSearchServiceClient(invoker);
        Arrests = new ArrestService.ArrestServiceClient(invoker);
        Evidence = new EvidenceService.EvidenceServiceClient(invoker);
        Custody = new CustodyService.CustodyServiceClient(invoker);
        Content = new EvidenceContentService.EvidenceContentServiceClient(invoker);
        InterceptDatasets = new InterceptDatasetService.InterceptDatasetServiceClient(invoker);
        Intercepts = new InterceptService.InterceptServiceClient(invoker);
        Connectivity = new ConnectivityService.ConnectivityServiceClient(invoker);
        Exchange = new ExchangeService.ExchangeServiceClient(invoker);
        Replica = new ReplicaService.ReplicaServiceClient(invoker);
        Lookup = new LookupService.LookupServiceClient(invoker);
        Audit = new Argus.Audit.V1.AuditService.AuditServiceClient(invoker);
        Health = new Health.HealthClient(invoker);
    }

    /// <summary>A client calling <paramref name="address"/> as <paramref name="tokens"/>' client, for the agency <paramref name="agencyCode"/> ("nl", "be").</summary>
    public static AgencyClient For(Uri address, string agencyCode, AccessTokenSource tokens, ClientCredentials credentials) =>
        new(address, new ArgusChannelOptions { Credentials = credentials, Tokens = tokens, Audience = ArgusAudiences.Agency(agencyCode) });

    public OperationService.OperationServiceClient Operations { get; }

    public HouseSearchService.HouseSearchServiceClient HouseSearches { get; }

    public ArrestService.ArrestServiceClient Arrests { get; }

    public EvidenceService.EvidenceServiceClient Evidence { get; }

    /// <summary>Evidence items' chain of custody.</summary>
    public CustodyService.CustodyServiceClient Custody { get; }

    /// <summary>Evidence items' digital content: resumable uploads, downloads (see <see cref="Evidence.EvidenceTransfer"/>).</summary>
    public EvidenceContentService.EvidenceContentServiceClient Content { get; }

    public InterceptDatasetService.InterceptDatasetServiceClient InterceptDatasets { get; }

    public InterceptService.InterceptServiceClient Intercepts { get; }

    public ConnectivityService.ConnectivityServiceClient Connectivity { get; }

    public ExchangeService.ExchangeServiceClient Exchange { get; }

    /// <summary>The copies this agency keeps of what partners shared with it.</summary>
    public ReplicaService.ReplicaServiceClient Replica { get; }

    /// <summary>Hit/no-hit lookups and their follow-ups.</summary>
    public LookupService.LookupServiceClient Lookup { get; }

    /// <summary>The processing log: auditors read it; a partner agency witnesses its signed head.</summary>
    public Argus.Audit.V1.AuditService.AuditServiceClient Audit { get; }

    public Health.HealthClient Health { get; }

    public void Dispose() => channel.Dispose();

    private static IEnumerable<MethodName> IdempotentMethods()
    {
        (string Service, string[] Methods)[] idempotent =
        [
            ("argus.operations.v1.OperationService", ["GetOperation", "ListOperations", "CreateOperation"]),
            ("argus.searches.v1.HouseSearchService", ["GetHouseSearch", "ListHouseSearches", "CreateHouseSearch"]),
            ("argus.arrests.v1.ArrestService", ["GetArrest", "ListArrests", "CreateArrest"]),
            ("argus.evidence.v1.EvidenceService", ["GetEvidenceItem", "ListEvidenceItems", "CreateEvidenceItem"]),
            ("argus.evidence.v1.CustodyService", ["ListCustodyEvents"]),
            ("argus.evidence.v1.EvidenceContentService", ["CreateUpload", "QueryUpload", "ReadContent"]),
            ("argus.intercepts.v1.InterceptDatasetService", ["GetInterceptDataset", "ListInterceptDatasets", "CreateInterceptDataset"]),
            ("argus.intercepts.v1.InterceptService", ["GetImport", "GetDatasetContents", "SearchMessages", "GetContactGraph"]),
            ("argus.connectivity.v1.ConnectivityService", ["WhoAmI"]),
            ("argus.exchange.v1.ExchangeService", ["ListShares", "Sync"]),
            ("argus.replica.v1.ReplicaService", ["GetForeignRecord", "ListForeignRecords"]),
            ("argus.lookup.v1.LookupService", ["GetFollowUp", "ListFollowUps"]),
            ("argus.audit.v1.AuditService", ["ListAuditEntries", "GetSignedLogHead", "ListWitnessedLogHeads"]),
            ("grpc.health.v1.Health", ["Check"]),
        ];
        return idempotent.SelectMany(s => s.Methods.Select(m => new MethodName { Service = s.Service, Method = m }));
    }
}
