using Argus.Agency.Records;
using Argus.Client;
using Argus.Client.Security;
using Argus.Events;
using Google.Protobuf;
using Grpc.Core;
using Proto = Argus.Arrests.V1;
using ProtoReplica = Argus.Replica.V1;

namespace Argus.Agency.Arrests;

/// <summary>Arrests in the registry of record kinds.</summary>
internal sealed class ArrestKind : OperationRecordKind<Arrest, Proto.Arrest, ArrestGrpcService>
{
    public const string RequestField = "arrest";

    public static readonly ArrestKind Instance = new();

    public override string Name => "Arrest";

    public override string Collection => Arrest.Collection;

    public override string Field => RequestField;

    public override string ReadScope => ArgusScopes.ArrestsRead;

    public override string WriteScope => ArgusScopes.ArrestsWrite;

    public override IReadOnlyList<System.Type> Events => [typeof(ArrestRecorded), typeof(ArrestUpdated)];

    public override IRecordEvent CreatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content) =>
        new ArrestRecorded(id, record.OwnerAgency.Code(), record.Name, record.Version, handlingCode, now, content);

    public override IRecordEvent UpdatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content) =>
        new ArrestUpdated(id, record.OwnerAgency.Code(), record.Name, record.Version, handlingCode, now, content);

    public override Proto.Arrest ToProto(Arrest record) => ArrestMapping.ToProto(record);

    public override async Task<IMessage> GetFromOwnerAsync(AgencyClient owner, string name, CallOptions options) =>
        (await owner.Arrests.GetArrestAsync(new() { Name = name }, options)).Arrest;

    public override async Task<(IReadOnlyList<IMessage> Records, string NextPageToken)> ListFromOwnerAsync(AgencyClient owner, string operation, string pageToken, CallOptions options)
    {
        var page = await owner.Arrests.ListArrestsAsync(new() { Parent = operation, PageSize = 1000, PageToken = pageToken }, options);
        return (page.Arrests, page.NextPageToken);
    }

    public override void ShowCopy(ProtoReplica.ForeignRecord copy, IMessage record) => copy.Arrest = (Proto.Arrest)record;

    /// <summary>An arrest made during a house search names it.</summary>
    public override IReadOnlyList<RecordLink> Links { get; } =
    [
        new RecordLink<Arrest>($"{RequestField}.house_search", HouseSearches.HouseSearch.Collection, x => x.HouseSearchId),
    ];
}
