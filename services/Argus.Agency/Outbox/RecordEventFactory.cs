using System.Text.Json;
using Argus.Agency.Domain;
using Argus.Agency.Domain.Arrests;
using Argus.Agency.Domain.Evidence;
using Argus.Agency.Domain.HouseSearches;
using Argus.Agency.Domain.Operations;
using Argus.Agency.Domain.Shared;
using Argus.Agency.Domain.Sharing;
using Argus.Events;

namespace Argus.Agency.Outbox;

/// <summary>Which event a change of which record is, and its outbox row.</summary>
public static class RecordEventFactory
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="forPartner">The copy for a partner the record is shared with: a change is a correction to it.</param>
    public static IRecordEvent For(Record record, bool created, DateTimeOffset now, bool forPartner = false)
    {
        var id = Guid.CreateVersion7();
        var owner = record.OwnerAgency.Code();
        var handling = record.Handling.Code.ToString();
        if (forPartner && !created)
        {
            return new RecordCorrected(id, owner, record.Name, record.Version, handling, now);
        }

        return (record, created) switch
        {
            (Operation, true) => new OperationOpened(id, owner, record.Name, record.Version, handling, now),
            (Operation, false) => new OperationUpdated(id, owner, record.Name, record.Version, handling, now),
            (HouseSearch, true) => new HouseSearchRecorded(id, owner, record.Name, record.Version, handling, now),
            (HouseSearch, false) => new HouseSearchUpdated(id, owner, record.Name, record.Version, handling, now),
            (Arrest, true) => new ArrestRecorded(id, owner, record.Name, record.Version, handling, now),
            (Arrest, false) => new ArrestUpdated(id, owner, record.Name, record.Version, handling, now),
            (EvidenceItem, true) => new EvidenceRegistered(id, owner, record.Name, record.Version, handling, now),
            (EvidenceItem, false) => new EvidenceUpdated(id, owner, record.Name, record.Version, handling, now),
            _ => throw new InvalidOperationException($"No event for {record.GetType().Name}."),
        };
    }

    /// <summary>The owner shared <paramref name="share"/>'s record (or operation) with its recipient.</summary>
    public static RecordShared Shared(Share share, AgencyCode owner) =>
        new(Guid.CreateVersion7(), owner.Code(), share.Record, 1, share.Handling.Code.ToString(), share.CreateTime);

    /// <summary>The owner revoked <paramref name="share"/>.</summary>
    public static ShareRevoked Revoked(Share share, AgencyCode owner) =>
        new(Guid.CreateVersion7(), owner.Code(), share.Record, 1, share.Handling.Code.ToString(), share.RevokeTime ?? share.CreateTime);

    /// <summary>The owner erased <paramref name="record"/>; the event names it, nothing of its content.</summary>
    public static RecordErased Erased(Record record, DateTimeOffset now) =>
        new(Guid.CreateVersion7(), record.OwnerAgency.Code(), record.Name, record.Version, record.Handling.Code.ToString(), now);

    public static OutboxMessage ToOutbox(IArgusEvent message, string routingKey, DateTimeOffset now) => new()
    {
        MessageId = message.EventId,
        Type = message.GetType().Name,
        Body = JsonSerializer.Serialize(message, message.GetType(), Json),
        RoutingKey = routingKey,
        CreateTime = now,
    };

    public static object FromOutbox(OutboxMessage row, out Type type)
    {
        type = RecordEvents.Find(row.Type) ?? throw new InvalidOperationException($"Outbox row {row.Sequence} has unknown type {row.Type}.");
        return JsonSerializer.Deserialize(row.Body, type, Json)!;
    }
}
