using System.Threading.Channels;
using Argus.Agency.Persistence;
using Argus.Client.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Agency.Audit;

/// <summary>
/// Gives committed log entries their place in the hash chain, in the order they became visible:
/// sequence number, previous hash, hash. It is the chain's one writer, so writers of entries never
/// wait for each other; a second sealer on the same database cannot fork the chain, because the
/// sequence number is unique (its update fails and it reloads the head). Readers of the log call
/// <see cref="SealAsync"/> first, so they see every committed entry chained.
/// </summary>
public sealed partial class AuditChainSealer(IServiceScopeFactory scopes, ILogger<AuditChainSealer> logger) : BackgroundService
{
    private const int BatchSize = 2000;

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Channel<byte> wakeUps = Channel.CreateBounded<byte>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private string head = AuditChain.Genesis;
    private long sequence;
    private bool loaded;

    public void Notify() => wakeUps.Writer.TryWrite(0);

    /// <summary>Seals everything committed so far.</summary>
    public async Task SealAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            while (await SealBatchAsync(db, cancellationToken) == BatchSize)
            {
            }
        }
        catch
        {
            loaded = false; // another sealer may have moved the head
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                wait.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    await wakeUps.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }

            try
            {
                await SealAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
            }
        }
    }

    private async Task<int> SealBatchAsync(AgencyDbContext db, CancellationToken cancellationToken)
    {
        if (!loaded)
        {
            var last = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(cancellationToken);
            (head, sequence) = (last?.Hash ?? AuditChain.Genesis, last?.Sequence ?? 0);
            loaded = true;
        }

        var entries = await db.AuditEntries.Where(e => e.Sequence == null).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(cancellationToken);
        if (entries.Count == 0)
        {
            return 0;
        }

        var (batchHead, batchSequence) = (head, sequence);
        foreach (var entry in entries)
        {
            entry.Sequence = ++batchSequence;
            entry.PreviousHash = batchHead;
            entry.Hash = AuditChain.Hash(entry.Sequence.Value, entry.Time, entry.ClientId, entry.Action.ToString(), entry.Record, entry.Justification,
                entry.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries), entry.Details, entry.PreviousHash);
            batchHead = entry.Hash;
        }

        await db.SaveChangesAsync(cancellationToken);
        (head, sequence) = (batchHead, batchSequence);
        return entries.Count;
    }

    public override void Dispose()
    {
        gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sealing the processing log failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
