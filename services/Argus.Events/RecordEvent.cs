using MassTransit;

namespace Argus.Events;

/// <summary>
/// What every event says. The routing key of the message is the agency it is meant for: the
/// owner's own integrators ("nl"), or a partner the record is shared with ("be"). Exchanges are
/// direct, one per event type, named "argus.{event}".
/// </summary>
public interface IArgusEvent
{
    /// <summary>Also the message id: a consumer that saw it before ignores it.</summary>
    Guid EventId { get; }

    /// <summary>"nl" or "be": whose record (or lookup) it is.</summary>
    string Owner { get; }

    /// <summary>The resource on the owner's service the event is about, e.g. "operations/argus/arrests/…"; fetch it over gRPC (a partner's record event may carry it: <see cref="IRecordEvent.Content"/>).</summary>
    string Record { get; }

    DateTimeOffset OccurredAt { get; }
}

/// <summary>An event about a record: its version and handling code after the change.</summary>
public interface IRecordEvent : IArgusEvent
{
    /// <summary>The record's version after the change (its etag without quotes).</summary>
    int Version { get; }

    /// <summary>"H0" … "H3".</summary>
    string HandlingCode { get; }

    /// <summary>
    /// On a partner's routing key: the record as its owner discloses it to that partner (the kind's
    /// protobuf message in its JSON form, under the stricter of the record's and the share's
    /// handling), logged as a disclosure in the transaction that wrote the event, so the partner
    /// needs no read per event. Null on the owner's own routing key, and for events that carry no
    /// record (erasure, revocation, the share of a whole operation).
    /// </summary>
    string? Content { get; }
}

[EntityName("argus.operation-opened")]
[MessageUrn("argus:operation-opened:v1", useDefaultPrefix: false)]
public sealed record OperationOpened(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

[EntityName("argus.operation-updated")]
[MessageUrn("argus:operation-updated:v1", useDefaultPrefix: false)]
public sealed record OperationUpdated(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

[EntityName("argus.house-search-recorded")]
[MessageUrn("argus:house-search-recorded:v1", useDefaultPrefix: false)]
public sealed record HouseSearchRecorded(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

[EntityName("argus.house-search-updated")]
[MessageUrn("argus:house-search-updated:v1", useDefaultPrefix: false)]
public sealed record HouseSearchUpdated(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

[EntityName("argus.arrest-recorded")]
[MessageUrn("argus:arrest-recorded:v1", useDefaultPrefix: false)]
public sealed record ArrestRecorded(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

[EntityName("argus.arrest-updated")]
[MessageUrn("argus:arrest-updated:v1", useDefaultPrefix: false)]
public sealed record ArrestUpdated(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

[EntityName("argus.evidence-registered")]
[MessageUrn("argus:evidence-registered:v1", useDefaultPrefix: false)]
public sealed record EvidenceRegistered(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

[EntityName("argus.evidence-updated")]
[MessageUrn("argus:evidence-updated:v1", useDefaultPrefix: false)]
public sealed record EvidenceUpdated(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

[EntityName("argus.intercept-dataset-registered")]
[MessageUrn("argus:intercept-dataset-registered:v1", useDefaultPrefix: false)]
public sealed record InterceptDatasetRegistered(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

[EntityName("argus.intercept-dataset-updated")]
[MessageUrn("argus:intercept-dataset-updated:v1", useDefaultPrefix: false)]
public sealed record InterceptDatasetUpdated(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

/// <summary>The owner shared <see cref="IRecordEvent.Record"/> (a record, or an operation and all its records) with the agency the event is routed to.</summary>
[EntityName("argus.record-shared")]
[MessageUrn("argus:record-shared:v1", useDefaultPrefix: false)]
public sealed record RecordShared(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

/// <summary>The owner revoked a share: the recipient must drop what it kept of <see cref="IRecordEvent.Record"/>.</summary>
[EntityName("argus.share-revoked")]
[MessageUrn("argus:share-revoked:v1", useDefaultPrefix: false)]
public sealed record ShareRevoked(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

/// <summary>
/// Sent to a partner instead of the *-updated event when a record shared with it changes: under
/// Directive 2016/680 Art. 7(3) the recipient of data later rectified is told, and its copy follows.
/// </summary>
[EntityName("argus.record-corrected")]
[MessageUrn("argus:record-corrected:v1", useDefaultPrefix: false)]
public sealed record RecordCorrected(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

/// <summary>The owner erased the record: everyone who holds a copy erases it too. Version is the last one the record had.</summary>
[EntityName("argus.record-erased")]
[MessageUrn("argus:record-erased:v1", useDefaultPrefix: false)]
public sealed record RecordErased(Guid EventId, string Owner, string Record, int Version, string HandlingCode, DateTimeOffset OccurredAt, string? Content = null) : IRecordEvent;

/// <summary>
/// A partner (<paramref name="Requester"/>) asks for the details behind a hit. Routed to the owner's
/// own key: its officers decide. <see cref="IArgusEvent.Record"/> is the follow-up, "lookups/{lookup}/followUps/{id}".
/// </summary>
[EntityName("argus.lookup-follow-up-requested")]
[MessageUrn("argus:lookup-follow-up-requested:v1", useDefaultPrefix: false)]
public sealed record LookupFollowUpRequested(Guid EventId, string Owner, string Record, string Requester, DateTimeOffset OccurredAt) : IArgusEvent;

/// <summary>
/// The owner's officer approved or refused a follow-up. Routed to the requester and to the owner.
/// On approval the matched records are shared with the requester: RecordShared events follow.
/// </summary>
[EntityName("argus.lookup-follow-up-decided")]
[MessageUrn("argus:lookup-follow-up-decided:v1", useDefaultPrefix: false)]
public sealed record LookupFollowUpDecided(Guid EventId, string Owner, string Record, string Requester, bool Approved, DateTimeOffset OccurredAt) : IArgusEvent;

/// <summary>
/// The owner signed the head of its processing log: after the log grew, at most once per
/// Argus:ProcessingLog:HeadInterval. Routed to every partner agency, which checks the signature
/// against the Argus CA and keeps the head as witnessed (`argus audit verify --witness` then proves
/// the owner's log still extends it). <see cref="IArgusEvent.Record"/> is "auditEntries/{sequence}".
/// </summary>
/// <param name="Signature">Base64 of the signature over "argus-log-head:v1\n{owner}\n{sequence}\n{hash}\n{signed at, Unix ms}".</param>
/// <param name="CertificatePem">The owner's agency-service certificate, issued by the Argus CA.</param>
[EntityName("argus.log-head-signed")]
[MessageUrn("argus:log-head-signed:v1", useDefaultPrefix: false)]
public sealed record LogHeadSigned(Guid EventId, string Owner, string Record, long Sequence, string Hash, string Signature, string CertificatePem, DateTimeOffset OccurredAt)
    : IArgusEvent;

/// <summary>The AMQP headers every event carries besides MassTransit's.</summary>
public static class EventHeaders
{
    /// <summary>
    /// The agency whose service published the event ("nl", "be"). An agency's own events carry its
    /// routing key too (for its own integrators); its replica queue is bound through this header,
    /// so it receives only what partners published for it.
    /// </summary>
    public const string Publisher = "argus-publisher";
}

/// <summary>Every event type, for topology set-up and for reading outbox rows back.</summary>
public static class RecordEvents
{
    public static readonly IReadOnlyList<Type> All =
    [
        typeof(OperationOpened), typeof(OperationUpdated), typeof(HouseSearchRecorded), typeof(HouseSearchUpdated),
        typeof(ArrestRecorded), typeof(ArrestUpdated), typeof(EvidenceRegistered), typeof(EvidenceUpdated),
        typeof(InterceptDatasetRegistered), typeof(InterceptDatasetUpdated),
        typeof(RecordShared), typeof(ShareRevoked), typeof(RecordCorrected), typeof(RecordErased),
        typeof(LookupFollowUpRequested), typeof(LookupFollowUpDecided),
        typeof(LogHeadSigned),
    ];

    public static Type? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
