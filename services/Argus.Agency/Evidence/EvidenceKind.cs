using Argus.Agency.Evidence.Content;
using Argus.Agency.Evidence.Custody;
using Argus.Agency.Records;
using Argus.Hosting.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Argus.Client;
using Argus.Client.Security;
using Argus.Events;
using Google.Protobuf;
using Grpc.Core;
using Proto = Argus.Evidence.V1;
using ProtoReplica = Argus.Replica.V1;

namespace Argus.Agency.Evidence;

/// <summary>Evidence items in the registry of record kinds.</summary>
internal sealed class EvidenceKind : OperationRecordKind<EvidenceItem, Proto.EvidenceItem, EvidenceGrpcService>
{
    public const string RequestField = "evidence_item";

    public static readonly EvidenceKind Instance = new();

    public override string Name => "EvidenceItem";

    public override string Collection => EvidenceItem.Collection;

    public override string Field => RequestField;

    public override string ReadScope => ArgusScopes.EvidenceRead;

    public override string WriteScope => ArgusScopes.EvidenceWrite;

    public override IReadOnlyList<System.Type> Events => [typeof(EvidenceRegistered), typeof(EvidenceUpdated)];

    public override IRecordEvent CreatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content) =>
        new EvidenceRegistered(id, record.OwnerAgency.Code(), record.Name, record.Version, handlingCode, now, content);

    public override IRecordEvent UpdatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content) =>
        new EvidenceUpdated(id, record.OwnerAgency.Code(), record.Name, record.Version, handlingCode, now, content);

    public override Proto.EvidenceItem ToProto(EvidenceItem record) => EvidenceMapping.ToProto(record);

    public override async Task<IMessage> GetFromOwnerAsync(AgencyClient owner, string name, CallOptions options) =>
        (await owner.Evidence.GetEvidenceItemAsync(new() { Name = name }, options)).EvidenceItem;

    public override async Task<(IReadOnlyList<IMessage> Records, string NextPageToken)> ListFromOwnerAsync(AgencyClient owner, string operation, string pageToken, CallOptions options)
    {
        var page = await owner.Evidence.ListEvidenceItemsAsync(new() { Parent = operation, PageSize = 1000, PageToken = pageToken }, options);
        return (page.EvidenceItems, page.NextPageToken);
    }

    /// <summary>Custody and content: the book, the content store (files with SQLite, the database with PostgreSQL) and its limits.</summary>
    public override void AddServices(IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.Configure<EvidenceContentOptions>(configuration.GetSection(EvidenceContentOptions.Section));
        var options = configuration.GetSection(EvidenceContentOptions.Section).Get<EvidenceContentOptions>() ?? new();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        var store = options.Store ?? (database.Provider == DatabaseProvider.PostgreSql ? "Database" : "Files");
        switch (store)
        {
            case "Files":
                var root = Path.GetFullPath(options.Path ?? "evidence", dataDirectory);
                services.AddSingleton<IContentStore>(new FileContentStore(root));
                break;
            case "Database" when database.Provider == DatabaseProvider.PostgreSql:
                services.AddSingleton(_ => NpgsqlDataSource.Create(database.ConnectionString!));
                services.AddSingleton<IContentStore, PostgresContentStore>();
                break;
            default:
                throw new InvalidOperationException($"{EvidenceContentOptions.Section}:Store {store} is not supported: use Files, or Database with PostgreSQL.");
        }

        services.AddScoped<CustodyBook>();
        services.AddScoped<PartnerCustody>();
        services.AddHostedService<ContentJanitor>();
    }

    /// <summary>
    /// A partner's item whose copy goes (erased by its owner, no longer shared) takes this agency's
    /// receipts of it along; the received content itself is deleted by <see cref="ContentJanitor"/>
    /// once nothing refers to it.
    /// </summary>
    public override async Task ForgetForeignAsync(Microsoft.EntityFrameworkCore.DbContext db, Shared.AgencyCode owner, IReadOnlyList<string> records, CancellationToken cancellationToken)
    {
        var receipts = await db.Set<ReceivedEvidence>().Where(r => r.Owner == owner && records.Contains(r.ItemName)).ToListAsync(cancellationToken);
        db.Set<ReceivedEvidence>().RemoveRange(receipts);
    }

    protected override void MapMoreServices(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<CustodyGrpcService>();
        endpoints.MapGrpcService<EvidenceContentGrpcService>();
    }

    public override void ShowCopy(ProtoReplica.ForeignRecord copy, IMessage record) => copy.EvidenceItem = (Proto.EvidenceItem)record;

    /// <summary>An item seized in a house search, or on an arrested person, names it.</summary>
    public override IReadOnlyList<RecordLink> Links { get; } =
    [
        new RecordLink<EvidenceItem>($"{RequestField}.house_search", HouseSearches.HouseSearch.Collection, x => x.HouseSearchId),
        new RecordLink<EvidenceItem>($"{RequestField}.arrest", Arrests.Arrest.Collection, x => x.ArrestId),
    ];
}
