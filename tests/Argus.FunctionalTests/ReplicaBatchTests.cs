using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Replica;
using Argus.Arrests.V1;
using Argus.Common.V1;
using Argus.Events;
using Argus.Hosting.Persistence;
using Argus.Testing;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests;

/// <summary>
/// The replica's group commit: events that carry their record, applied many to a transaction, each
/// exactly as it would have been alone — once, newest version kept, tombstones respected, one log
/// entry per copy — and a batch that fails split so that only the event at fault fails.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ReplicaBatchTests
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_batch_applies_each_event_once_keeps_the_newest_version_and_logs_each_copy(DatabaseProvider provider)
    {
        await using var exchange = await ExchangeFixture.StartAsync(provider: provider);
        var (operation, template) = await SharedArrestAsync(exchange, HandlingCode.H3);
        // Six records, each in two versions, the newer first for half of them; one event twice.
        var names = Enumerable.Range(0, 6).Select(i => $"{operation}/arrests/batch{i}-{Guid.NewGuid():N}"[..^24]).ToList();
        var events = new List<IRecordEvent>();
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            var versions = new[] { Carried(template, name, 1), Carried(template, name, 2) };
            events.AddRange(i % 2 == 0 ? versions : versions.Reverse());
        }

        events.Add(events[3]);
        var applied = exchange.BelgianReplica.AppliedCount;

        await using (var scope = exchange.Belgium!.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReplicaUpdater>().ApplyCarriedAsync(events, CancellationToken.None);
        }

        // At least: the bus may apply the share's own events meanwhile. The inbox below is exact.
        Assert.True(exchange.BelgianReplica.AppliedCount >= applied + 12, "The batch's twelve distinct events were not all counted as applied.");
        var copies = await exchange.BelgianCopiesAsync();
        Assert.All(names, name => Assert.Equal(2, copies.Single(c => c.Record == name).Version));
        Assert.All(names, name => Assert.Equal(HandlingCode.H3, copies.Single(c => c.Record == name).HandlingCode));
        await using var check = exchange.Belgium.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<AgencyDbContext>();
        var ids = events.Select(e => e.EventId).Distinct().ToList();
        Assert.Equal(12, await db.Set<InboxMessage>().CountAsync(m => ids.Contains(m.MessageId)));
        foreach (var name in names)
        {
            // One entry per copy, naming the event that brought the version kept.
            var entry = Assert.Single(await db.Set<AuditEntryEntity>().AsNoTracking().Where(e => e.Record == name).ToListAsync());
            Assert.Equal(ProcessingAction.Collection, entry.Action);
            Assert.Contains(events.Single(e => e.Record == name && e.Version == 2).EventId.ToString(), entry.Details, StringComparison.Ordinal);
        }

        // The same batch again changes nothing: every event is in the inbox.
        var duplicates = exchange.BelgianReplica.DuplicateCount;
        await using (var again = exchange.Belgium.Services.CreateAsyncScope())
        {
            await again.ServiceProvider.GetRequiredService<ReplicaUpdater>().ApplyCarriedAsync(events, CancellationToken.None);
        }

        Assert.True(exchange.BelgianReplica.DuplicateCount >= duplicates + events.Count, "The batch given again was not dropped as duplicates.");
        Assert.Equal(12, await db.Set<InboxMessage>().CountAsync(m => ids.Contains(m.MessageId)));
        Assert.All(names, name => Assert.Single(db.Set<AuditEntryEntity>().AsNoTracking().Where(e => e.Record == name)));
    }

    [Fact]
    public async Task A_batch_with_an_event_it_cannot_apply_writes_nothing_and_the_batcher_applies_the_others_alone()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        var (operation, template) = await SharedArrestAsync(exchange, HandlingCode.H2);
        var good = Enumerable.Range(0, 200).Select(i => Carried(template, $"{operation}/arrests/split-{i}-{Guid.NewGuid():N}"[..^24], 1)).ToList();
        var undecodable = new ArrestRecorded(Guid.CreateVersion7(), "nl", $"{operation}/arrests/undecodable", 1, "H2", DateTimeOffset.UtcNow, "{\"name\": 17, \"etag\": [");
        IRecordEvent[] all = [.. good[..100], undecodable, .. good[100..]];

        // Together, in one transaction: the undecodable one fails it, and nothing of it is written.
        await using (var scope = exchange.Belgium!.Services.CreateAsyncScope())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => scope.ServiceProvider.GetRequiredService<ReplicaUpdater>().ApplyCarriedAsync(all, CancellationToken.None));
        }

        Assert.DoesNotContain(await exchange.BelgianCopiesAsync(), c => c.Record.Contains("/arrests/split-", StringComparison.Ordinal));

        // Through the batcher, as the consumers hand them over (all at once, so batches form while
        // one commits): only the undecodable event fails; the others are applied.
        var split = exchange.BelgianReplica.SplitBatchCount;
        var batcher = exchange.Belgium.Services.GetRequiredService<ReplicaBatcher>();
        var outcomes = all.Select(e => batcher.ApplyAsync(e, CancellationToken.None)).ToList();
        await Assert.ThrowsAnyAsync<Exception>(() => outcomes[100]);
        await Task.WhenAll(outcomes.Where((_, i) => i != 100));
        var copies = await exchange.BelgianCopiesAsync();
        Assert.All(good, e => Assert.Contains(copies, c => c.Record == e.Record));
        Assert.DoesNotContain(copies, c => c.Record == undecodable.Record);
        Assert.True(exchange.BelgianReplica.SplitBatchCount > split, "The undecodable event never shared a batch with others: the split was not exercised.");
    }

    [Fact]
    public async Task A_batch_keeps_out_records_whose_operation_stopped_being_shared_after_the_event()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        var (operation, template) = await SharedArrestAsync(exchange, HandlingCode.H2);
        var late = Carried(template, $"{operation}/arrests/late-{Guid.NewGuid():N}"[..^24], 1, DateTimeOffset.UtcNow.AddMinutes(-5));
        await using (var scope = exchange.Belgium!.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            db.Set<ForeignTombstone>().Add(new ForeignTombstone { Owner = Argus.Agency.Shared.AgencyCode.Nl, Scope = operation, At = DateTimeOffset.UtcNow.AddMinutes(-1) });
            await db.SaveChangesAsync();
        }

        var fresh = Carried(template, $"{operation}/arrests/fresh-{Guid.NewGuid():N}"[..^24], 1, DateTimeOffset.UtcNow);
        await using (var scope = exchange.Belgium.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReplicaUpdater>().ApplyCarriedAsync([late, fresh], CancellationToken.None);
        }

        var copies = await exchange.BelgianCopiesAsync();
        Assert.DoesNotContain(copies, c => c.Record == late.Record);
        Assert.Contains(copies, c => c.Record == fresh.Record);
    }

    /// <summary>An operation shared with Belgium, and an arrest in it as Belgium's copy shows it (the template of the events made here).</summary>
    private static async Task<(string Operation, Arrest Template)> SharedArrestAsync(ExchangeFixture exchange, HandlingCode code)
    {
        var operation = (await exchange.Netherlands.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
        await exchange.ShareWithBelgiumAsync(operation, code, code == HandlingCode.H3 ? "Only with the owner's consent in court" : "");
        var arrest = (await exchange.Netherlands.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest;
        var copies = await exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == arrest.Name), Converge);
        return (operation, copies.Single(c => c.Record == arrest.Name).Arrest);
    }

    /// <summary>The event the owner would write for <paramref name="name"/> at <paramref name="version"/>, carrying the record.</summary>
    private static ArrestRecorded Carried(Arrest template, string name, int version, DateTimeOffset? at = null)
    {
        var arrest = template.Clone();
        arrest.Name = name;
        arrest.Etag = $"\"{version}\"";
        return new ArrestRecorded(Guid.CreateVersion7(), "nl", name, version, arrest.Handling.Code.ToString(), at ?? DateTimeOffset.UtcNow, JsonFormatter.Default.Format(arrest));
    }
}
