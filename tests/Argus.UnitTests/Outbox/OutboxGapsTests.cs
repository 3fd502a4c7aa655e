using Argus.Agency.Outbox;

namespace Argus.UnitTests.Outbox;

/// <summary>The numbers the relay's cursor passed without a row, which it asks for again (OutboxRelay).</summary>
public sealed class OutboxGapsTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    private static List<OutboxMessage> Rows(params long[] sequences) => [.. sequences.Select(s => new OutboxMessage { Sequence = s })];

    [Fact]
    public void The_numbers_passed_without_a_row_are_waited_for_until_found()
    {
        var gaps = new OutboxGaps(new ManualClock(), TimeSpan.FromSeconds(5));

        gaps.Passed(cursor: 10, Rows(12, 13, 16));
        Assert.Equal([11, 14, 15], gaps.Waiting());

        gaps.Filled(Rows(14));
        Assert.Equal([11, 15], gaps.Waiting());
    }

    [Fact]
    public void A_gap_is_given_up_after_the_patience_and_left_to_the_rescan()
    {
        var clock = new ManualClock();
        var gaps = new OutboxGaps(clock, TimeSpan.FromSeconds(5));
        gaps.Passed(cursor: 1, Rows(3));
        clock.Ticks += TimeSpan.FromSeconds(3).Ticks;
        gaps.Passed(cursor: 3, Rows(5));

        clock.Ticks += TimeSpan.FromSeconds(3).Ticks; // the first is 6 s old, the second 3 s

        Assert.Equal([4], gaps.Waiting());
    }

    [Fact]
    public void A_jump_wider_than_the_bound_keeps_only_its_newest_numbers()
    {
        var gaps = new OutboxGaps(new ManualClock(), TimeSpan.FromSeconds(5));

        gaps.Passed(cursor: 0, Rows(OutboxGaps.MaxGaps * 3L));

        var waiting = gaps.Waiting();
        Assert.Equal(OutboxGaps.MaxGaps, waiting.Count);
        Assert.Equal(OutboxGaps.MaxGaps * 2L, waiting[0]);
        Assert.Equal(OutboxGaps.MaxGaps * 3L - 1, waiting[^1]);
    }
}
