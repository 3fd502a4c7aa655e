using System.Threading.Channels;
using Argus.Agency.Api.Mapping;
using Argus.Agency.Persistence;
using Argus.Client.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Agency.Audit;

/// <summary>
/// Appends to the hash-chained processing log. This process is the chain's only writer: a lock
/// orders appends, and the chain head is kept in memory. Changes are logged in the same
/// transaction as the change itself (<see cref="SaveWithEntryAsync"/>), so neither exists without
/// the other. Consultations are group-committed (<see cref="RecordAsync"/>): many requests share
/// one transaction, and each waits until its entry is committed before it answers, so no record is
/// shown without its log entry. A second writer on the same database cannot fork the chain: entry
/// sequence numbers are primary keys, so its append fails and it reloads the head.
/// </summary>
public sealed class ProcessingLogWriter : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly SemaphoreSlim chain = new(1, 1);
    private readonly Channel<Pending> consultations = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider clock;
    private readonly Task writer;
    private string head = AuditChain.Genesis;
    private long sequence;
    private bool loaded;

    public ProcessingLogWriter(IServiceScopeFactory scopes, TimeProvider clock)
    {
        this.scopes = scopes;
        this.clock = clock;
        writer = Task.Run(WriteConsultationsAsync);
    }

    /// <summary>Saves the pending changes of <paramref name="db"/> together with their log entry.</summary>
    public async Task SaveWithEntryAsync(AgencyDbContext db, ProcessingEvent processing, string clientId, string justification, CancellationToken cancellationToken)
    {
        await chain.WaitAsync(cancellationToken);
        try
        {
            await EnsureLoadedAsync(db, cancellationToken);
            var entry = Next(processing, clientId, justification, head, sequence);
            db.AuditEntries.Add(entry);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch
            {
                db.Entry(entry).State = EntityState.Detached;
                loaded = false; // another writer may have moved the head
                throw;
            }

            (head, sequence) = (entry.Hash, entry.Sequence);
        }
        finally
        {
            chain.Release();
        }
    }

    /// <summary>Logs a consultation; completes once the entry is committed.</summary>
    public Task RecordAsync(ProcessingEvent processing, string clientId, string justification)
    {
        var pending = new Pending(processing, clientId, justification, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
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
        chain.Dispose();
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

            await chain.WaitAsync();
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
                await EnsureLoadedAsync(db, CancellationToken.None);
                var (batchHead, batchSequence) = (head, sequence);
                var entries = new List<AuditEntryEntity>(batch.Count);
                foreach (var pending in batch)
                {
                    var entry = Next(pending.Processing, pending.ClientId, pending.Justification, batchHead, batchSequence);
                    entries.Add(entry);
                    (batchHead, batchSequence) = (entry.Hash, entry.Sequence);
                }

                await AuditEntryInserts.InsertWithoutWaitingForDiskAsync(db, entries);
                (head, sequence) = (batchHead, batchSequence);
                batch.ForEach(p => p.Committed.TrySetResult());
            }
            catch (Exception ex)
            {
                loaded = false;
                batch.ForEach(p => p.Committed.TrySetException(ex));
            }
            finally
            {
                chain.Release();
            }
        }
    }

    private async Task EnsureLoadedAsync(AgencyDbContext db, CancellationToken cancellationToken)
    {
        if (loaded)
        {
            return;
        }

        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(cancellationToken);
        (head, sequence) = (last?.Hash ?? AuditChain.Genesis, last?.Sequence ?? 0);
        loaded = true;
    }

    private AuditEntryEntity Next(ProcessingEvent processing, string clientId, string justification, string previousHash, long previousSequence)
    {
        var entry = new AuditEntryEntity
        {
            Sequence = previousSequence + 1,
            Time = Input.TruncateToMicroseconds(clock.GetUtcNow()),
            ClientId = clientId,
            Action = processing.Action,
            Record = processing.Record,
            Justification = justification,
            Recipients = string.Join(',', processing.Recipients ?? []),
            Details = processing.Details,
            PreviousHash = previousHash,
        };
        entry.Hash = AuditChain.Hash(entry.Sequence, entry.Time, entry.ClientId, entry.Action.ToString(), entry.Record, entry.Justification,
            processing.Recipients ?? [], entry.Details, entry.PreviousHash);
        return entry;
    }

    private sealed record Pending(ProcessingEvent Processing, string ClientId, string Justification, TaskCompletionSource Committed);
}
