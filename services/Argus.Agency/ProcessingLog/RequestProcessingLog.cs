using Argus.Agency.Callers;

namespace Argus.Agency.ProcessingLog;

/// <summary>The processing log as a request sees it: the shared writer plus who is asking and why.</summary>
public sealed class RequestProcessingLog(ProcessingLogWriter writer, Caller caller)
{
    public Task SaveWithEntryAsync(Persistence.AgencyDbContext db, ProcessingEvent processing, CancellationToken cancellationToken) =>
        writer.SaveWithEntryAsync(db, processing, caller.ClientId, caller.Justification, cancellationToken);

    public Task ConsultedAsync(ProcessingEvent processing) => writer.RecordAsync(processing, caller.ClientId, caller.Justification);
}
