using Argus.Audit.V1;
using Argus.Client.Audit;
using Google.Protobuf.WellKnownTypes;

namespace Argus.UnitTests.Audit;

public sealed class AuditChainTests
{
    private static readonly DateTimeOffset Time = new(2021, 3, 9, 5, 0, 0, TimeSpan.Zero);

    private static List<AuditEntry> Chain(int count)
    {
        var entries = new List<AuditEntry>();
        var previous = AuditChain.Genesis;
        for (var i = 1; i <= count; i++)
        {
            var entry = new AuditEntry
            {
                Sequence = i,
                Time = Timestamp.FromDateTimeOffset(Time.AddSeconds(i)),
                ClientId = "partner-demo",
                Action = i == 1 ? ProcessingAction.Collection : ProcessingAction.Consultation,
                Record = "operations/argus/arrests/1",
                Justification = i % 2 == 0 ? "hearing" : "",
                PreviousHash = previous,
            };
            entry.Hash = AuditChain.Hash(entry);
            previous = entry.Hash;
            entries.Add(entry);
        }

        return entries;
    }

    private static (long Sequence, string Reason)? FirstBreak(IEnumerable<AuditEntry> entries)
    {
        var previous = AuditChain.Genesis;
        long sequence = 0;
        return AuditChain.FirstBreak(entries, ref previous, ref sequence);
    }

    [Fact]
    public void An_untouched_chain_verifies() => Assert.Null(FirstBreak(Chain(5)));

    [Fact]
    public void The_hash_covers_every_field()
    {
        var entry = Chain(1)[0];
        var variants = new[]
        {
            new AuditEntry(entry) { ClientId = "other" },
            new AuditEntry(entry) { Action = ProcessingAction.Erasure },
            new AuditEntry(entry) { Record = "operations/argus/arrests/2" },
            new AuditEntry(entry) { Justification = "x" },
            new AuditEntry(entry) { Details = "x" },
            new AuditEntry(entry) { Recipients = { "be" } },
            new AuditEntry(entry) { Time = Timestamp.FromDateTimeOffset(Time.AddTicks(10)) },
            new AuditEntry(entry) { Sequence = 2 },
            new AuditEntry(entry) { PreviousHash = new string('1', 64) },
        };

        Assert.All(variants, v => Assert.NotEqual(entry.Hash, AuditChain.Hash(v)));
    }

    [Fact]
    public void A_changed_entry_is_named()
    {
        var entries = Chain(5);
        entries[2].ClientId = "someone-else";

        Assert.Equal(3, FirstBreak(entries)?.Sequence);
    }

    [Fact]
    public void A_removed_entry_is_named()
    {
        var entries = Chain(5);
        entries.RemoveAt(1);

        var broken = FirstBreak(entries);
        Assert.Equal(2, broken?.Sequence);
        Assert.Contains("missing", broken?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rewritten_tail_is_named_where_it_no_longer_links()
    {
        var entries = Chain(5);
        entries[3].Details = "rewritten";
        entries[3].Hash = AuditChain.Hash(entries[3]); // recomputed by the tamperer

        Assert.Equal(5, FirstBreak(entries)?.Sequence);
    }
}
