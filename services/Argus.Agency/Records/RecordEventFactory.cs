using Argus.Agency.Shared;
using Argus.Events;

namespace Argus.Agency.Records;

/// <summary>Which event a change of a record is: its kind's created or updated event, or, for a partner, a correction.</summary>
public static class RecordEventFactory
{
    /// <param name="sharedUnder">
    /// For a partner the record is shared with: the handling the share adds. The partner's event
    /// carries the stricter of it and the record's own, and a change is a correction to its copy.
    /// </param>
    /// <param name="content">For a partner: the record as disclosed to it (<see cref="Disclosed"/>).</param>
    public static IRecordEvent For(Record record, bool created, DateTimeOffset now, Handling? sharedUnder = null, string? content = null)
    {
        var id = Guid.CreateVersion7();
        var handling = record.Handling.StricterOf(sharedUnder).Code.ToString();
        if (sharedUnder is not null && !created)
        {
            return new RecordCorrected(id, record.OwnerAgency.Code(), record.Name, record.Version, handling, now, content);
        }

        return created ? record.Kind.CreatedEvent(id, record, handling, now, content) : record.Kind.UpdatedEvent(id, record, handling, now, content);
    }

    /// <summary>
    /// <paramref name="record"/> as a partner the record is shared with is shown it — under the
    /// stricter handling, as the owner's Get would answer the partner — in its message's JSON form.
    /// </summary>
    public static string Disclosed(Record record, Handling sharedUnder) =>
        Google.Protobuf.JsonFormatter.Default.Format(record.Kind.ToMessage(record.ShownUnder(sharedUnder)));

    /// <summary>The owner erased <paramref name="record"/>; the event names it, nothing of its content.</summary>
    public static RecordErased Erased(Record record, DateTimeOffset now) =>
        new(Guid.CreateVersion7(), record.OwnerAgency.Code(), record.Name, record.Version, record.Handling.Code.ToString(), now);
}
