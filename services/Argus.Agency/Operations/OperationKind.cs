using Argus.Agency.Records;
using Argus.Client;
using Argus.Client.Security;
using Argus.Events;
using Google.Protobuf;
using Grpc.Core;
using Proto = Argus.Operations.V1;
using ProtoReplica = Argus.Replica.V1;

namespace Argus.Agency.Operations;

/// <summary>Operations in the registry of record kinds: the root of every other record's name.</summary>
internal sealed class OperationKind : RecordKind<Operation, Proto.Operation, OperationGrpcService>
{
    public const string RequestField = "operation";

    public static readonly OperationKind Instance = new();

    public override string Name => "Operation";

    public override string? Collection => null;

    public override string Field => RequestField;

    public override string ReadScope => ArgusScopes.OperationsRead;

    public override string WriteScope => ArgusScopes.OperationsWrite;

    public override IReadOnlyList<System.Type> Events => [typeof(OperationOpened), typeof(OperationUpdated)];

    public override IRecordEvent CreatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content) =>
        new OperationOpened(id, record.OwnerAgency.Code(), record.Name, record.Version, handlingCode, now, content);

    public override IRecordEvent UpdatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content) =>
        new OperationUpdated(id, record.OwnerAgency.Code(), record.Name, record.Version, handlingCode, now, content);

    public override Proto.Operation ToProto(Operation record) => OperationMapping.ToProto(record);

    /// <summary>The operation named by <paramref name="name"/> (a request's <paramref name="field"/>), or InvalidArgument.</summary>
    public RecordName ParseName(string name, string field) => NameOf(ResourceNames.Operation(name, field));

    public RecordName NameOf(string operationId) => new(this, operationId, operationId);

    public override IQueryable<Operation> Named(IQueryable<Operation> records, RecordName name)
    {
        var id = name.OperationId;
        return records.Where(x => x.Id == id);
    }

    public override IQueryable<Operation> SharedAmong(IQueryable<Operation> records, IQueryable<string> sharedNames) =>
        records.Where(x => sharedNames.Contains("operations/" + x.Id));

    public override async Task<IMessage> GetFromOwnerAsync(AgencyClient owner, string name, CallOptions options) =>
        (await owner.Operations.GetOperationAsync(new() { Name = name }, options)).Operation;

    public override Task<(IReadOnlyList<IMessage> Records, string NextPageToken)> ListFromOwnerAsync(AgencyClient owner, string operation, string pageToken, CallOptions options) =>
        throw new NotSupportedException("An operation is read by its name; it has no parent to list it under.");

    public override void ShowCopy(ProtoReplica.ForeignRecord copy, IMessage record) => copy.Operation = (Proto.Operation)record;
}
