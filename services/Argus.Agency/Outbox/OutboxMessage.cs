namespace Argus.Agency.Outbox;

/// <summary>
/// An event waiting to be published, written in the same transaction as the change it reports,
/// so a committed change always has its event and a rolled-back one never does.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Publication order.</summary>
    public long Sequence { get; set; }

    /// <summary>The event id, and the message id on the bus: consumers drop what they saw before.</summary>
    public Guid MessageId { get; set; }

    /// <summary>The event's contract type name, e.g. "ArrestRecorded".</summary>
    public string Type { get; set; } = "";

    public string Body { get; set; } = "";

    /// <summary>The agency the event is for ("nl", "be"): the RabbitMQ routing key.</summary>
    public string RoutingKey { get; set; } = "";

    public DateTimeOffset CreateTime { get; set; }

    /// <summary>When the broker confirmed it; null while it is still to be published.</summary>
    public DateTimeOffset? PublishTime { get; set; }

    public int Attempts { get; set; }
}
