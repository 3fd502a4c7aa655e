using System.Linq.Expressions;
using Argus.Agency.Shared;
using Argus.Client;
using Argus.Events;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ProtoCommon = Argus.Common.V1;
using ProtoReplica = Argus.Replica.V1;

namespace Argus.Agency.Records;

/// <summary>
/// Everything the service knows about one kind of record, in one place: how it is named, which
/// message carries it, which scopes read and write it, the events its changes are, what it links
/// to (and so what may not be erased under it), how the owner's service is read for a partner's
/// copy and how that copy is shown. <see cref="RecordKinds"/> holds one per kind; sharing, the
/// replica, the event factory, the consumer and the host read it, so a new kind is one folder and
/// one entry there.
/// </summary>
public abstract class RecordKind
{
    /// <summary>Stable name, stored with partners' copies ("Arrest"): never renamed.</summary>
    public abstract string Name { get; }

    /// <summary>The collection segment of its resource names ("arrests"); null for operations, which are the root.</summary>
    public abstract string? Collection { get; }

    /// <summary>The field name of the record in its requests ("arrest"), for error messages.</summary>
    public abstract string Field { get; }

    public abstract System.Type RecordType { get; }

    /// <summary>The contract's message for the record: how it travels and how a partner's copy reads back.</summary>
    public abstract MessageDescriptor Message { get; }

    public abstract string ReadScope { get; }

    public abstract string WriteScope { get; }

    /// <summary>The gRPC service that serves the kind.</summary>
    public abstract System.Type ServiceType { get; }

    /// <summary>The events a change of such a record is: created, then updated.</summary>
    public abstract IReadOnlyList<System.Type> Events { get; }

    /// <summary>The links of this kind to records of other kinds; the erasure guard reads them the other way round.</summary>
    public virtual IReadOnlyList<RecordLink> Links => [];

    /// <param name="content">The record as disclosed to the event's recipient (see <see cref="IRecordEvent.Content"/>), or null.</param>
    public abstract IRecordEvent CreatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content);

    /// <param name="content">The record as disclosed to the event's recipient, or null.</param>
    public abstract IRecordEvent UpdatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content);

    /// <summary>Maps the kind's gRPC service, and the services of its own beyond the record (<see cref="MapMoreServices"/>).</summary>
    public abstract void MapService(IEndpointRouteBuilder endpoints);

    /// <summary>
    /// Registers what the kind needs beyond the record store (evidence: its content store and
    /// custody); nothing by default. Runs once, while the host is built.
    /// </summary>
    public virtual void AddServices(IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
    }

    /// <summary>
    /// Erases, in <paramref name="db"/>'s unit of work, what this agency keeps of a partner's
    /// records of this kind beyond the replica's copy (evidence: the content received in a
    /// handover), when the copy goes — the owner erased the record, or stopped sharing it. Nothing
    /// by default.
    /// </summary>
    public virtual Task ForgetForeignAsync(DbContext db, AgencyCode owner, IReadOnlyList<string> records, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>
    /// Runs, in <paramref name="db"/>'s unit of work, when this agency's copy of a partner's record
    /// of this kind arrives or changes (intercept datasets: a narrowed shared subset removes the
    /// messages outside it). Nothing by default.
    /// </summary>
    public virtual Task CopyKeptAsync(DbContext db, AgencyCode owner, string record, IMessage disclosed, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>
    /// Whether approving a hit/no-hit follow-up shares the matched records of this kind. True by
    /// default; false for a kind whose owner shares it on terms of its own (an intercept dataset, in part).
    /// </summary>
    public virtual bool SharedOnFollowUp => true;

    /// <summary>This agency's records of the kind that concern a handle (hit/no-hit); none by default.</summary>
    public virtual Task<IReadOnlyList<string>> RecordsWithHandleAsync(IServiceProvider services, string handle, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Maps the kind's gRPC services beyond its record's (evidence: custody and content); none by default.</summary>
    protected virtual void MapMoreServices(IEndpointRouteBuilder endpoints)
    {
    }

    /// <summary>The record as its message.</summary>
    public abstract IMessage ToMessage(Record record);

    /// <summary>The kind's message from its JSON form (<see cref="Argus.Events.IRecordEvent.Content"/>).</summary>
    public abstract IMessage ParseMessage(string json);

    /// <summary>Reads one record on its owner's service, as a partner; NotFound comes back as an RpcException.</summary>
    public abstract Task<IMessage> GetFromOwnerAsync(AgencyClient owner, string name, CallOptions options);

    /// <summary>A page of the kind's records in <paramref name="operation"/> on its owner's service; operations are not listed this way.</summary>
    public abstract Task<(IReadOnlyList<IMessage> Records, string NextPageToken)> ListFromOwnerAsync(AgencyClient owner, string operation, string pageToken, CallOptions options);

    /// <summary>Puts <paramref name="record"/> (this kind's message) into the replica's answer.</summary>
    public abstract void ShowCopy(ProtoReplica.ForeignRecord copy, IMessage record);

    /// <summary>Whether the named record exists (not a consultation: nothing is shown).</summary>
    public abstract Task<bool> ExistsAsync(DbContext db, RecordName name, CancellationToken cancellationToken);

    /// <summary>The name, handling, version and owner's update time of a message of this kind (fields every record message has).</summary>
    public RecordHeader HeaderOf(IMessage record)
    {
        object? Field(string name) => Message.FindFieldByName(name).Accessor.GetValue(record);
        var etag = (string)Field("etag")!;
        return new RecordHeader(
            (string)Field("name")!,
            int.Parse(etag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture),
            CommonMapping.ToDomainOrH0((ProtoCommon.Handling?)Field("handling")),
            ((Timestamp?)Field("update_time"))?.ToDateTimeOffset() ?? DateTimeOffset.MinValue);
    }

    public override string ToString() => Name;
}

/// <summary>What every record message says of itself.</summary>
public sealed record RecordHeader(string Name, int Version, Handling Handling, DateTimeOffset UpdateTime);

/// <summary>
/// A kind whose records are of type <typeparamref name="TRecord"/>, travel as
/// <typeparamref name="TMessage"/> and are served by <typeparamref name="TService"/>.
/// </summary>
public abstract class RecordKind<TRecord, TMessage, TService> : RecordKind, IRecordQueries<TRecord>
    where TRecord : Record
    where TMessage : class, IMessage<TMessage>, new()
    where TService : class
{
    private static readonly MessageDescriptor Descriptor = new TMessage().Descriptor;

    public sealed override System.Type RecordType => typeof(TRecord);

    public sealed override MessageDescriptor Message => Descriptor;

    public sealed override System.Type ServiceType => typeof(TService);

    public sealed override void MapService(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<TService>();
        MapMoreServices(endpoints);
    }

    public abstract TMessage ToProto(TRecord record);

    public sealed override IMessage ToMessage(Record record) => ToProto((TRecord)record);

    public sealed override IMessage ParseMessage(string json) => JsonParser.Default.Parse<TMessage>(json);

    public abstract IQueryable<TRecord> Named(IQueryable<TRecord> records, RecordName name);

    public sealed override Task<bool> ExistsAsync(DbContext db, RecordName name, CancellationToken cancellationToken) =>
        Named(db.Set<TRecord>(), name).AnyAsync(cancellationToken);

    public abstract IQueryable<TRecord> SharedAmong(IQueryable<TRecord> records, IQueryable<string> sharedNames);
}

/// <summary>The queries the record store needs of a kind, typed.</summary>
public interface IRecordQueries<T>
    where T : Record
{
    /// <summary>The record with this name, as a query (so it can be tracked for a change or read as is).</summary>
    IQueryable<T> Named(IQueryable<T> records, RecordName name);

    /// <summary>The records a partner may see, given the names (records, whole operations) shared with it.</summary>
    IQueryable<T> SharedAmong(IQueryable<T> records, IQueryable<string> sharedNames);
}

/// <summary>A kind whose records belong to an operation: "operations/{operation}/{collection}/{id}".</summary>
public abstract class OperationRecordKind<TRecord, TMessage, TService> : RecordKind<TRecord, TMessage, TService>
    where TRecord : OperationRecord
    where TMessage : class, IMessage<TMessage>, new()
    where TService : class
{
    public abstract override string Collection { get; }

    /// <summary>The record named by <paramref name="name"/> (a request's <paramref name="field"/>), or InvalidArgument.</summary>
    public RecordName ParseName(string name, string field)
    {
        var (operationId, id) = ResourceNames.Child(name, Collection, field);
        return new RecordName(this, operationId, id);
    }

    public RecordName NameOf(string operationId, string id) => new(this, operationId, id);

    public override IQueryable<TRecord> Named(IQueryable<TRecord> records, RecordName name)
    {
        var (operationId, id) = (name.OperationId, name.Id);
        return records.Where(x => x.OperationId == operationId && x.Id == id);
    }

    public override IQueryable<TRecord> SharedAmong(IQueryable<TRecord> records, IQueryable<string> sharedNames)
    {
        var segment = "/" + Collection + "/";
        return records.Where(x => sharedNames.Contains("operations/" + x.OperationId) || sharedNames.Contains("operations/" + x.OperationId + segment + x.Id));
    }
}

/// <summary>
/// A record's link to a record of another kind in the same operation (an arrest made during a
/// house search): checked to exist when the record is written, and it keeps the linked record from
/// being erased while the link stands.
/// </summary>
public abstract class RecordLink
{
    /// <summary>The request field that holds the link, e.g. "arrest.house_search".</summary>
    public abstract string Field { get; }

    /// <summary>The collection of the records linked to.</summary>
    public abstract string TargetCollection { get; }

    /// <summary>The id of the linked record, when the record links to one.</summary>
    public abstract string? TargetOf(Record record);

    /// <summary>The id of one record of the linking kind that links to the target, or null.</summary>
    public abstract Task<string?> FindLinkingAsync(DbContext db, string operationId, string targetId, CancellationToken cancellationToken);
}

public sealed class RecordLink<TRecord>(string requestField, string targetCollection, Expression<Func<TRecord, string?>> link) : RecordLink
    where TRecord : OperationRecord
{
    private readonly Func<TRecord, string?> compiled = link.Compile();

    public override string Field => requestField;

    public override string TargetCollection => targetCollection;

    public override string? TargetOf(Record record) => compiled((TRecord)record);

    public override Task<string?> FindLinkingAsync(DbContext db, string operationId, string targetId, CancellationToken cancellationToken)
    {
        // x => x.OperationId == operationId && link(x) == targetId, with both values as parameters.
        var x = link.Parameters[0];
        Expression<Func<string>> operation = () => operationId;
        Expression<Func<string?>> target = () => targetId;
        var filter = Expression.Lambda<Func<TRecord, bool>>(
            Expression.AndAlso(
                Expression.Equal(Expression.Property(x, nameof(OperationRecord.OperationId)), operation.Body),
                Expression.Equal(link.Body, target.Body)),
            x);
        return db.Set<TRecord>().AsNoTracking().Where(filter).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken);
    }
}
