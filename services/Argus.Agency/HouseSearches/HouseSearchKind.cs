using Argus.Agency.Records;
using Argus.Client;
using Argus.Client.Security;
using Argus.Events;
using Google.Protobuf;
using Grpc.Core;
using Proto = Argus.Searches.V1;
using ProtoReplica = Argus.Replica.V1;

namespace Argus.Agency.HouseSearches;

/// <summary>House searches in the registry of record kinds.</summary>
internal sealed class HouseSearchKind : OperationRecordKind<HouseSearch, Proto.HouseSearch, HouseSearchGrpcService>
{
    public const string RequestField = "house_search";

    public static readonly HouseSearchKind Instance = new();

    public override string Name => "HouseSearch";

    public override string Collection => HouseSearch.Collection;

    public override string Field => RequestField;

    public override string ReadScope => ArgusScopes.SearchesRead;

    public override string WriteScope => ArgusScopes.SearchesWrite;

    public override IReadOnlyList<System.Type> Events => [typeof(HouseSearchRecorded), typeof(HouseSearchUpdated)];

    public override IRecordEvent CreatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content) =>
        new HouseSearchRecorded(id, record.OwnerAgency.Code(), record.Name, record.Version, handlingCode, now, content);

    public override IRecordEvent UpdatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content) =>
        new HouseSearchUpdated(id, record.OwnerAgency.Code(), record.Name, record.Version, handlingCode, now, content);

    public override Proto.HouseSearch ToProto(HouseSearch record) => HouseSearchMapping.ToProto(record);

    public override async Task<IMessage> GetFromOwnerAsync(AgencyClient owner, string name, CallOptions options) =>
        (await owner.HouseSearches.GetHouseSearchAsync(new() { Name = name }, options)).HouseSearch;

    public override async Task<(IReadOnlyList<IMessage> Records, string NextPageToken)> ListFromOwnerAsync(AgencyClient owner, string operation, string pageToken, CallOptions options)
    {
        var page = await owner.HouseSearches.ListHouseSearchesAsync(new() { Parent = operation, PageSize = 1000, PageToken = pageToken }, options);
        return (page.HouseSearches, page.NextPageToken);
    }

    public override void ShowCopy(ProtoReplica.ForeignRecord copy, IMessage record) => copy.HouseSearch = (Proto.HouseSearch)record;
}
