using Argus.Agency.Callers;

namespace Argus.Agency.ProcessingLog;

/// <summary>The processing log as a request sees it: the shared writer plus who is asking and why.</summary>
public sealed class RequestProcessingLog(ProcessingLogWriter writer, Caller caller)
{
    /// <param name="alsoLogged">More entries of the same change (the disclosures its events carry to partners).</param>
    /// <param name="events">The change's events, saved with it (<see cref="ProcessingLogWriter.SaveWithEntryAsync"/>).</param>
    public Task SaveWithEntryAsync(Persistence.AgencyDbContext db, ProcessingEvent processing, CancellationToken cancellationToken,
        IReadOnlyList<ProcessingEvent>? alsoLogged = null, IReadOnlyList<Outbox.OutboxMessage>? events = null) =>
        writer.SaveWithEntryAsync(db, processing, caller.ClientId, caller.Justification, cancellationToken, alsoLogged, events);

    public Task ConsultedAsync(ProcessingEvent processing) => writer.RecordAsync(processing, caller.ClientId, caller.Justification);
}
