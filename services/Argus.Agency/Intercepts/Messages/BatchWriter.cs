using System.Threading.Channels;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// The two loops of a bulk load: the caller's loop reads and parses, and hands each batch to a
/// writer loop that does the database's work, through a channel that holds one batch. The two
/// overlap, memory stays at about two batches, and a failure of either ends both: the writer's is
/// rethrown to the reader at its next hand-over; the reader's leaves the writer to finish the batch
/// it holds (committed work stays committed) before the request ends.
/// </summary>
internal sealed class BatchWriter<T>
{
    private readonly Channel<T> queue = Channel.CreateBounded<T>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
    private readonly Task loop;

    /// <param name="write">Runs for each batch in turn, on the writer loop: the only code that touches the database meanwhile.</param>
    public BatchWriter(Func<T, Task> write, CancellationToken cancellationToken) => loop = Task.Run(async () =>
    {
        try
        {
            await foreach (var batch in queue.Reader.ReadAllAsync(cancellationToken))
            {
                await write(batch);
            }
        }
        catch (Exception e)
        {
            queue.Writer.TryComplete(e);
            throw;
        }
    }, CancellationToken.None);

    /// <summary>Hands a batch over, waiting while one already waits; throws the writer's failure if it failed.</summary>
    public async Task AddAsync(T batch, CancellationToken cancellationToken)
    {
        try
        {
            await queue.Writer.WriteAsync(batch, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            await loop; // the writer failed: its exception is the reason
            throw;
        }
    }

    /// <summary>Waits until every batch handed over is written; throws the writer's failure.</summary>
    public Task CompleteAsync()
    {
        queue.Writer.TryComplete();
        return loop;
    }

    /// <summary>The reader failed: waits for the batch being written, and leaves the reader's failure the one reported.</summary>
    public async Task AbandonAsync()
    {
        queue.Writer.TryComplete();
        try
        {
            await loop;
        }
        catch (Exception)
        {
            // the reader's failure is the one to report
        }
    }
}
