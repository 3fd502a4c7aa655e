using System.Threading.Channels;
using Argus.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Argus.Agency.Replica;

/// <summary>
/// Group commit for the replica: the consumers hand over the events that carry their record
/// (<see cref="ReplicaUpdater.CarriesRecord"/>), and one loop applies what has gathered meanwhile
/// in one transaction (<see cref="ReplicaUpdater.ApplyCarriedAsync"/>) — one commit, one read of
/// the inbox, the tombstones and the copies for up to <see cref="MaxBatch"/> events, where each
/// event on its own cost all of those. The batch is what arrived while the last one committed; no
/// event waits for others to come. A consumer's message is acknowledged only once its batch has
/// committed, as before.
/// <para>
/// A batch that fails (one undecodable record; a lost race with the Sync catch-up or another
/// instance is retried inside, as for one event) is applied again one event at a time, each in its
/// own transaction, so each message gets its own outcome: applied, or its own exception for the
/// consumer's retry policy and, at last, the _error queue.
/// </para>
/// <para>
/// One loop per process, not per database: instances of the service on one database each batch
/// their own consumers' messages, and the inbox's and copies' unique keys keep them from applying
/// one twice (the loser's batch starts over and finds what the winner wrote).
/// </para>
/// </summary>
public sealed partial class ReplicaBatcher : IAsyncDisposable
{
    /// <summary>At most this many events in one transaction (the consumers' prefetch bounds it too).</summary>
    public const int MaxBatch = 256;

    private readonly Channel<Carried> waiting = Channel.CreateUnbounded<Carried>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory scopes;
    private readonly ReplicaStatistics statistics;
    private readonly ILogger<ReplicaBatcher> logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    public ReplicaBatcher(IServiceScopeFactory scopes, ReplicaStatistics statistics, ILogger<ReplicaBatcher> logger)
    {
        this.scopes = scopes;
        this.statistics = statistics;
        this.logger = logger;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Completes once <paramref name="message"/> is applied (committed), or fails as applying it alone failed.</summary>
    public Task ApplyAsync(IRecordEvent message, CancellationToken cancellationToken)
    {
        var carried = new Carried(message, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!waiting.Writer.TryWrite(carried))
        {
            throw new OperationCanceledException("The replica is shutting down.");
        }

        return carried.Applied.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        waiting.Writer.TryComplete();
        await stopping.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<Carried>(MaxBatch);
        while (await waiting.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && waiting.Reader.TryRead(out var carried))
            {
                batch.Add(carried);
            }

            if (stopping.IsCancellationRequested)
            {
                batch.ForEach(c => c.Applied.TrySetCanceled());
                continue;
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ReplicaUpdater>().ApplyCarriedAsync([.. batch.Select(c => c.Message)], stopping.Token);
                batch.ForEach(c => c.Applied.TrySetResult());
            }
            catch (Exception ex) when (batch.Count > 1 && !stopping.IsCancellationRequested)
            {
                BatchFailed(logger, batch.Count, ex);
                statistics.SplitBatch();
                foreach (var carried in batch)
                {
                    await ApplyAloneAsync(carried);
                }
            }
            catch (Exception ex)
            {
                batch.ForEach(c => c.Applied.TrySetException(ex));
            }
        }
    }

    private async Task ApplyAloneAsync(Carried carried)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ReplicaUpdater>().ApplyAsync(carried.Message, cursor: null, stopping.Token);
            carried.Applied.TrySetResult();
        }
        catch (Exception ex)
        {
            carried.Applied.TrySetException(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A batch of {Count} replica events failed; applying them one at a time.")]
    private static partial void BatchFailed(ILogger logger, int count, Exception exception);

    private sealed record Carried(IRecordEvent Message, TaskCompletionSource Applied);
}
