using System.Threading.Channels;
using Argus.Agency.Api.Mapping;
using Argus.Agency.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Agency.Audit;

/// <summary>
/// Writes processing-log entries; <see cref="AuditChainSealer"/> then chains them. Changes are
/// logged in the same transaction as the change itself (<see cref="SaveWithEntryAsync"/>), so
/// neither exists without the other. Consultations are group-committed (<see cref="RecordAsync"/>):
/// many requests share one transaction, and each waits until its entry is committed before it
/// answers, so no record is shown without its log entry. Writers take no lock: the chain's order
/// is the order in which entries became visible to the sealer.
/// </summary>
public sealed class ProcessingLogWriter : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly Channel<Pending> consultations = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory scopes;
    private readonly AuditChainSealer sealer;
    private readonly TimeProvider clock;
    private readonly Task writer;

    public ProcessingLogWriter(IServiceScopeFactory scopes, AuditChainSealer sealer, TimeProvider clock)
    {
        this.scopes = scopes;
        this.sealer = sealer;
        this.clock = clock;
        writer = Task.Run(WriteConsultationsAsync);
    }

    /// <summary>Saves the pending changes of <paramref name="db"/> together with their log entry.</summary>
    public async Task SaveWithEntryAsync(AgencyDbContext db, ProcessingEvent processing, string clientId, string justification, CancellationToken cancellationToken)
    {
        var entry = Entry(processing, clientId, justification);
        db.AuditEntries.Add(entry);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            db.Entry(entry).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
            throw;
        }

        sealer.Notify();
    }

    /// <summary>Logs a consultation; completes once the entry is committed.</summary>
    public Task RecordAsync(ProcessingEvent processing, string clientId, string justification)
    {
        var pending = new Pending(Entry(processing, clientId, justification), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!consultations.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The processing log is shutting down.");
        }

        return pending.Committed.Task;
    }

    public async ValueTask DisposeAsync()
    {
        consultations.Writer.TryComplete();
        await writer;
    }

    private async Task WriteConsultationsAsync()
    {
        var reader = consultations.Reader;
        var batch = new List<Pending>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
                await AuditEntryInserts.InsertWithoutWaitingForDiskAsync(db, batch.Select(p => p.Entry).ToList());
                batch.ForEach(p => p.Committed.TrySetResult());
                sealer.Notify();
            }
            catch (Exception ex)
            {
                batch.ForEach(p => p.Committed.TrySetException(ex));
            }
        }
    }

    private AuditEntryEntity Entry(ProcessingEvent processing, string clientId, string justification) => new()
    {
        Time = Input.TruncateToMicroseconds(clock.GetUtcNow()),
        ClientId = clientId,
        Action = processing.Action,
        Record = processing.Record,
        Justification = justification,
        Recipients = string.Join(',', processing.Recipients ?? []),
        Details = processing.Details,
    };

    private sealed record Pending(AuditEntryEntity Entry, TaskCompletionSource Committed);
}
