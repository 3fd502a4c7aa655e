using System.Threading.Channels;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// One loop of a bulk load's pipeline: it takes the batches the loop before it hands over, one at a
/// time, through a channel that holds one batch. A load is three loops, each on its own thread when
/// the cores allow: the request's loop receives and cuts, a second turns what was cut into rows
/// encoded for the database, a third writes them; each stage's <c>take</c> hands its result to the
/// next, so receiving, converting and writing overlap on different cores. Memory stays at a few batches whatever the size, and a failure anywhere ends all:
/// a later stage's failure is rethrown to the earlier one at its next hand-over; an earlier one's
/// leaves the later ones to finish what they hold (committed work stays committed).
/// </summary>
internal sealed class BatchStage<T>
{
    private readonly Channel<T> queue = Channel.CreateBounded<T>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
    private readonly Task loop;

    /// <param name="take">Runs for each batch in turn, on this stage's loop.</param>
    public BatchStage(Func<T, Task> take, CancellationToken cancellationToken) => loop = Task.Run(async () =>
    {
        try
        {
            await foreach (var batch in queue.Reader.ReadAllAsync(cancellationToken))
            {
                await take(batch);
            }
        }
        catch (Exception e)
        {
            queue.Writer.TryComplete(e);
            throw;
        }
    }, CancellationToken.None);

    /// <summary>Hands a batch over, waiting while one already waits; throws this stage's failure (or a later one's) if it failed.</summary>
    public async Task AddAsync(T batch, CancellationToken cancellationToken)
    {
        try
        {
            await queue.Writer.WriteAsync(batch, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            await loop; // the stage failed: its exception is the reason
            throw;
        }
    }

    /// <summary>Waits until every batch handed over is taken; throws the stage's failure.</summary>
    public Task CompleteAsync()
    {
        queue.Writer.TryComplete();
        return loop;
    }

    /// <summary>An earlier stage failed: waits for what this one holds, and leaves the earlier failure the one reported.</summary>
    public async Task AbandonAsync()
    {
        queue.Writer.TryComplete();
        try
        {
            await loop;
        }
        catch (Exception)
        {
            // the earlier stage's failure is the one to report
        }
    }
}
