using Argus.Agency.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Agency.Outbox;

/// <summary>
/// Publishes outbox rows in order of their sequence (through <see cref="BrokerPublisher"/>), with publisher confirms, and marks a row
/// published only once the broker confirmed it. Whatever fails — broker down, process killed
/// between confirm and mark — is published again later: delivery is at least once, and consumers
/// drop duplicates by message id. It never gives up on a row.
/// <para>
/// Batches are pipelined: the broker confirms a persistent message only once it is on disk, which
/// takes a while whatever the batch's size, so while batches wait for their confirms the relay
/// reads and publishes the next ones (up to <see cref="MaxBatchesInFlight"/>). Rows handed to a
/// batch are behind a cursor. A row that committed after rows with higher sequence numbers were
/// read (concurrent writes commit in any order) is behind it too: the numbers the cursor passed
/// without a row are kept as gaps (<see cref="OutboxGaps"/>), and each read looks for them again,
/// so such a row follows within a read or two instead of waiting for a rescan; under load a
/// third of the rows committed so (bench.sh exchange, 2026-12-03), each waiting up to a second.
/// Whenever nothing is in flight, and at least every <see cref="RescanInterval"/> (a number the
/// gaps gave up on: a transaction that took that long, or rolled back), the relay starts again
/// from the first unpublished row.
/// </para>
/// </summary>
public sealed partial class OutboxRelay(IServiceScopeFactory scopes, IBusControl bus, BrokerPublisher publisher, OutboxSignal signal, TimeProvider clock, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private const int BatchSize = 1000;
    private const int MaxBatchesInFlight = 8;
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RescanInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// While batches wait for confirms, changes that wake the relay are gathered for this long into
    /// the next batch, so a steady stream of single changes is not one read and one mark each.
    /// </summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inFlight = new List<Task>();
        var backoff = FirstBackoff;
        var cursor = 0L;
        var gaps = new OutboxGaps(clock, RescanInterval);
        var rescanned = clock.GetTimestamp();
        var read = rescanned;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await CollectFinishedAsync(inFlight);
                    // While the broker is unreachable, publishing fails anyway: trying would read,
                    // decode and re-mark a batch of rows per attempt, on the database the requests
                    // use (a restart with a backlog and the broker down slowed creates measurably).
                    if (inFlight.Count == 0 && bus.CheckHealth().Status == BusHealthStatus.Unhealthy)
                    {
                        await Task.Delay(backoff, clock, stoppingToken);
                        backoff = Longer(backoff);
                        continue;
                    }

                    if (inFlight.Count == 0)
                    {
                        (cursor, rescanned) = (0, clock.GetTimestamp());
                        gaps.Clear(); // the read from the first unpublished row finds them all
                    }
                    else if (inFlight.Count >= MaxBatchesInFlight || clock.GetElapsedTime(rescanned) > RescanInterval)
                    {
                        // Full; or time to start again from the first unpublished row, once what
                        // is in flight is marked.
                        await Task.WhenAny(inFlight);
                        continue;
                    }
                    else if (clock.GetElapsedTime(read) is var sinceRead && sinceRead < Gather)
                    {
                        await Task.Delay(Gather - sinceRead, clock, stoppingToken);
                    }

                    var wake = signal.Next; // before the read: a change committing during it wakes the wait below
                    read = clock.GetTimestamp();
                    if (gaps.Waiting() is { Count: > 0 } waiting && await ReadGapsAsync(waiting, stoppingToken) is { Count: > 0 } late)
                    {
                        gaps.Filled(late);
                        inFlight.Add(PublishAsync(late, stoppingToken));
                    }

                    var rows = await ReadAsync(cursor, stoppingToken);
                    if (rows.Count > 0)
                    {
                        // From the first unpublished row, the numbers before it are published:
                        // only those between the rows read are gaps.
                        gaps.Passed(cursor > 0 ? cursor : rows[0].Sequence - 1, rows);

                        cursor = rows[^1].Sequence;
                        inFlight.Add(PublishAsync(rows, stoppingToken));
                        backoff = FirstBackoff;
                    }

                    if (rows.Count < BatchSize)
                    {
                        await Task.WhenAny(inFlight.Count > 0 ? Task.WhenAny(inFlight) : Task.Delay(Poll, clock, stoppingToken), wake);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    LogRetry(logger, ex, backoff.TotalMilliseconds);
                    await DrainAsync(inFlight);
                    await Task.Delay(backoff, clock, stoppingToken);
                    backoff = Longer(backoff);
                }
            }
        }
        finally
        {
            await DrainAsync(inFlight);
        }
    }

    private static TimeSpan Longer(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));

    /// <summary>Removes the batches that finished; one that failed throws.</summary>
    private static async Task CollectFinishedAsync(List<Task> inFlight)
    {
        for (var i = inFlight.Count - 1; i >= 0; i--)
        {
            if (inFlight[i].IsCompleted)
            {
                var finished = inFlight[i];
                inFlight.RemoveAt(i);
                await finished;
            }
        }
    }

    /// <summary>Waits for every batch in flight, whatever its outcome: each marks what the broker confirmed.</summary>
    private static async Task DrainAsync(List<Task> inFlight)
    {
        try
        {
            await Task.WhenAll(inFlight);
        }
        catch (Exception)
        {
            // A failed batch counted its attempt; its rows are read again from the first unpublished.
        }

        inFlight.Clear();
    }

    private async Task<List<OutboxMessage>> ReadAsync(long after, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AgencyDbContext>().Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.PublishTime == null && m.Sequence > after)
            .OrderBy(m => m.Sequence)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
    }

    private async Task<List<OutboxMessage>> ReadGapsAsync(List<long> sequences, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AgencyDbContext>().Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.PublishTime == null && sequences.Contains(m.Sequence))
            .OrderBy(m => m.Sequence)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Publishes one batch, all at once with the confirms pipelined, then marks what the broker confirmed.</summary>
    private async Task PublishAsync(List<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        Task[] confirms;
        try
        {
            confirms = await publisher.PublishAsync(rows, timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // No channel: every row of the batch failed this attempt.
            confirms = [.. rows.Select(_ => Task.FromException(ex))];
        }

        var outcomes = await Task.WhenAll(rows.Select(async (row, i) =>
        {
            try
            {
                await confirms[i];
                return (row.Sequence, Published: true);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                return (row.Sequence, Published: false);
            }
        }));

        var published = outcomes.Where(o => o.Published).Select(o => o.Sequence).ToList();
        var failed = outcomes.Where(o => !o.Published).Select(o => o.Sequence).ToList();
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        if (published.Count > 0)
        {
            await db.Set<OutboxMessage>().Where(m => published.Contains(m.Sequence))
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.PublishTime, now).SetProperty(x => x.Attempts, x => x.Attempts + 1), CancellationToken.None);
        }

        if (failed.Count > 0)
        {
            await db.Set<OutboxMessage>().Where(m => failed.Contains(m.Sequence))
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.Attempts, x => x.Attempts + 1), CancellationToken.None);
            throw new InvalidOperationException($"{failed.Count} of {rows.Count} events were not confirmed by the broker; they will be published again.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay: publishing failed; retrying in {BackoffMs} ms")]
    private static partial void LogRetry(ILogger logger, Exception exception, double backoffMs);
}
