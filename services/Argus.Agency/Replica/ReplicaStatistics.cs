namespace Argus.Agency.Replica;

/// <summary>What the replica did with the messages it was given since the process started: for tests, benchmarks and operators.</summary>
public sealed class ReplicaStatistics
{
    private long applied;
    private long duplicates;
    private long own;
    private long catchUps;
    private long splitBatches;

    /// <summary>Messages applied (each once: the inbox refuses a second time).</summary>
    public long AppliedCount => Interlocked.Read(ref applied);

    /// <summary>Deliveries of a message already applied, dropped by the inbox.</summary>
    public long DuplicateCount => Interlocked.Read(ref duplicates);

    /// <summary>This agency's own events, which arrive on the same routing key and need no copy.</summary>
    public long OwnCount => Interlocked.Read(ref own);

    /// <summary>Rounds of Sync catch-up with every partner completed (the first one right after start).</summary>
    public long CatchUpRounds => Interlocked.Read(ref catchUps);

    /// <summary>Batches of events carrying their records that failed together and were applied one event at a time (<see cref="ReplicaBatcher"/>).</summary>
    public long SplitBatchCount => Interlocked.Read(ref splitBatches);

    public void SplitBatch() => Interlocked.Increment(ref splitBatches);

    public void CaughtUp() => Interlocked.Increment(ref catchUps);

    public void Applied(int count = 1) => Interlocked.Add(ref applied, count);

    public void Duplicate(int count = 1) => Interlocked.Add(ref duplicates, count);

    public void Own(int count = 1) => Interlocked.Add(ref own, count);
}
