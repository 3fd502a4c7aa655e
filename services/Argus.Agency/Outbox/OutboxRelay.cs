using Argus.Agency.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Agency.Outbox;

/// <summary>
/// Publishes outbox rows in order, many at a time with publisher confirms pipelined, and marks a
/// row published only once the broker confirmed it. Whatever fails — broker down, process killed
/// between confirm and mark — is published again later: delivery is at least once, and consumers
/// drop duplicates by message id. It never gives up on a row.
/// </summary>
public sealed partial class OutboxRelay(IServiceScopeFactory scopes, IBusControl bus, OutboxSignal signal, TimeProvider clock, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private const int BatchSize = 1000;
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // While the broker is unreachable, publishing fails anyway: trying would read,
                // decode and re-mark a batch of rows per attempt, on the database the requests use
                // (a restart with a backlog and the broker down slowed creates measurably).
                if (bus.CheckHealth().Status == BusHealthStatus.Unhealthy)
                {
                    await Task.Delay(backoff, clock, stoppingToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                    continue;
                }

                var published = await PublishBatchAsync(stoppingToken);
                backoff = TimeSpan.FromMilliseconds(200);
                if (published < BatchSize)
                {
                    await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogRetry(logger, ex, backoff.TotalMilliseconds);
                await Task.Delay(backoff, clock, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>One batch; returns how many rows were published.</summary>
    public async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        var rows = await db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.PublishTime == null)
            .OrderBy(m => m.Sequence)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return 0;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        var outcomes = await Task.WhenAll(rows.Select(async row =>
        {
            try
            {
                var message = row.ReadEvent(out var type);
                await bus.Publish(message, type, Pipe.Execute<PublishContext>(context =>
                {
                    context.MessageId = row.MessageId;
                    context.SetRoutingKey(row.RoutingKey);
                }), timeout.Token);
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

        return published.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay: publishing failed; retrying in {BackoffMs} ms")]
    private static partial void LogRetry(ILogger logger, Exception exception, double backoffMs);
}
