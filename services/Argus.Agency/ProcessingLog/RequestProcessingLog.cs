using Argus.Agency.Callers;

namespace Argus.Agency.ProcessingLog;

/// <summary>The processing log as a request sees it: the shared writer plus who is asking and why.</summary>
public sealed class RequestProcessingLog(ProcessingLogWriter writer, Caller caller)
{
    /// <param name="alsoLogged">More entries of the same change (the disclosures its events carry to partners).</param>
    public Task SaveWithEntryAsync(Persistence.AgencyDbContext db, ProcessingEvent processing, CancellationToken cancellationToken,
        IReadOnlyList<ProcessingEvent>? alsoLogged = null) =>
        writer.SaveWithEntryAsync(db, processing, caller.ClientId, caller.Justification, cancellationToken, alsoLogged);

    public Task ConsultedAsync(ProcessingEvent processing) => writer.RecordAsync(processing, caller.ClientId, caller.Justification);
}
