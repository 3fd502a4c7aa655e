namespace Argus.Agency.Outbox;

/// <summary>
/// The sequence numbers the relay's cursor passed without a row: each is a transaction that took
/// its number and had not committed when the relay read past it (or one that rolled back, whose
/// number never gets a row). The relay asks for them again with each read, for
/// <paramref name="patience"/>; a row later than that is left to its rescan from the first
/// unpublished row. Bounded: past <see cref="MaxGaps"/> the oldest are left to the rescan too.
/// Used by the relay's loop alone.
/// </summary>
public sealed class OutboxGaps(TimeProvider clock, TimeSpan patience)
{
    /// <summary>More than a read of gaps at a time would be a scan, not a lookup: the rescan does that better.</summary>
    public const int MaxGaps = 1000;

    // Sequence → when the cursor passed it; insertion order is number order, oldest first.
    private readonly SortedDictionary<long, long> passed = [];

    public int Count => passed.Count;

    /// <summary>The numbers between <paramref name="cursor"/> and the last of <paramref name="rows"/> (read in order after it) that had no row.</summary>
    public void Passed(long cursor, IReadOnlyList<OutboxMessage> rows)
    {
        var now = clock.GetTimestamp();
        var expected = cursor + 1;
        foreach (var row in rows)
        {
            // A jump wider than the bound keeps only its newest numbers (the rest: the rescan).
            for (var missing = Math.Max(expected, row.Sequence - MaxGaps); missing < row.Sequence; missing++)
            {
                passed[missing] = now;
            }

            expected = row.Sequence + 1;
        }

        while (passed.Count > MaxGaps)
        {
            passed.Remove(passed.First().Key);
        }
    }

    /// <summary>The gaps still worth asking for; those older than the patience are dropped.</summary>
    public List<long> Waiting()
    {
        // Oldest first (the cursor only moves on between rescans, which clear): the expired are a prefix.
        while (passed.Count > 0 && passed.First() is var (sequence, since) && clock.GetElapsedTime(since) > patience)
        {
            passed.Remove(sequence);
        }

        return passed.Count == 0 ? [] : [.. passed.Keys];
    }

    /// <summary>Rows found in gaps: handed to a batch, so not asked for again.</summary>
    public void Filled(IEnumerable<OutboxMessage> rows)
    {
        foreach (var row in rows)
        {
            passed.Remove(row.Sequence);
        }
    }

    public void Clear() => passed.Clear();
}
