namespace Argus.Agency.Outbox;

/// <summary>Wakes the relay as soon as a change with events commits, instead of waiting for its next poll.</summary>
public sealed class OutboxSignal
{
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes at the first notification after it was read. The relay reads it before it reads
    /// the outbox, so a change that commits during that read still wakes it.
    /// </summary>
    public Task Next => Volatile.Read(ref next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
