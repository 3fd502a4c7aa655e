using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Arrests.V1;
using Argus.Common.V1;
using Argus.Events;
using Argus.Evidence.V1;
using Argus.Exchange.V1;
using Argus.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests;

/// <summary>
/// Belgium's replica of what the Netherlands shares with it, over the real broker: arrival,
/// corrections, erasure, revocation, duplicates, a broker outage and a partner that was down.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ReplicaTests
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Shared_records_reach_the_replica_and_follow_corrections_erasure_and_revocation()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        var nl = exchange.Netherlands.Client;
        var operation = await OpenOperationAsync(exchange);
        var first = await ArrestAsync(exchange, operation);
        var second = await ArrestAsync(exchange, operation);
        var item = (await nl.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest { Parent = operation, EvidenceItem = Records.Firearm("SKY-2021-0001") })).EvidenceItem;

        var share = await exchange.ShareWithBelgiumAsync(operation, HandlingCode.H2);

        var copies = await exchange.WaitForCopiesAsync(c => c.Count == 4, Converge);
        Assert.Equal(new[] { operation, first.Name, second.Name, item.Name }.Order(), copies.Select(c => c.Record).Order());
        Assert.All(copies, c => Assert.Equal(AgencyCode.Nl, c.Owner));
        Assert.All(copies, c => Assert.Equal(HandlingCode.H2, c.HandlingCode));
        Assert.All(copies, c => Assert.NotNull(c.ReceiveTime));
        var copy = copies.Single(c => c.Record == first.Name);
        Assert.Equal($"partners/nl/{first.Name}", copy.Name);
        Assert.Equal(first, copy.Arrest);

        // A correction (Art. 7(3)): the copy follows the owner's new version.
        var corrected = (await nl.Arrests.UpdateArrestAsync(new UpdateArrestRequest
        {
            Arrest = new Arrest { Name = first.Name, Etag = first.Etag, CustodyStatus = CustodyStatus.Released },
            UpdateMask = new FieldMask { Paths = { "custody_status" } },
        })).Arrest;
        copies = await exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == first.Name && x.Version == 2), Converge);
        Assert.Equal(CustodyStatus.Released, copies.Single(c => c.Record == first.Name).Arrest.CustodyStatus);
        Assert.Equal(corrected, copies.Single(c => c.Record == first.Name).Arrest);

        // An erasure: the copy goes too, and Belgium's log keeps only that it went.
        await nl.Arrests.DeleteArrestAsync(new DeleteArrestRequest { Name = second.Name, Reason = "Wrong person: identity mix-up (OvJ decision 2021/17)" });
        await exchange.WaitForCopiesAsync(c => c.All(x => x.Record != second.Name), Converge);
        var erasure = Assert.Single(await exchange.BelgianLogAsync("copy erased"), e => e.Details.Contains(second.Name));
        Assert.DoesNotContain("de Vries", erasure.Details);

        // A revocation: every copy of the operation goes.
        await nl.Exchange.RevokeShareAsync(new RevokeShareRequest { Name = share.Name });
        await exchange.WaitForCopiesAsync(c => c.Count == 0, Converge);

        // Belgium's own callers read copies; reading one that is gone is NotFound.
        var gone = await Assert.ThrowsAsync<RpcException>(() => exchange.Belgium!.Client.Replica.GetForeignRecordAsync(new Replica.V1.GetForeignRecordRequest { Name = copy.Name }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task The_partner_may_not_read_the_owners_copy_nor_erase_the_owners_records()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        var operation = await OpenOperationAsync(exchange);
        var arrest = await ArrestAsync(exchange, operation);
        await exchange.ShareWithBelgiumAsync(operation);

        var erase = await Assert.ThrowsAsync<RpcException>(() => exchange.BelgiumAtNetherlands.Arrests.DeleteArrestAsync(
            new DeleteArrestRequest { Name = arrest.Name, Reason = "tidying up" }, ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, erase.StatusCode);
        var onward = await Assert.ThrowsAsync<RpcException>(() => exchange.BelgiumAtNetherlands.Replica.ListForeignRecordsAsync(
            new Replica.V1.ListForeignRecordsRequest(), ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, onward.StatusCode);
        var unexplained = await Assert.ThrowsAsync<RpcException>(() => exchange.Netherlands.Client.Arrests.DeleteArrestAsync(
            new DeleteArrestRequest { Name = arrest.Name }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unexplained.StatusCode);
        Assert.Equal(arrest.Name, (await exchange.Netherlands.Client.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name })).Arrest.Name);
    }

    [Fact]
    public async Task A_message_delivered_twice_is_applied_once()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        var operation = await OpenOperationAsync(exchange);
        await exchange.ShareWithBelgiumAsync(operation);
        var arrest = await ArrestAsync(exchange, operation);
        await exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == arrest.Name), Converge);
        // Settled first: the operation's RecordShared (a slower listing) may still be in flight when
        // the arrest's copy is there, and would otherwise count as applied after the snapshot.
        await WaitUntilAsync(() => exchange.BelgianReplica.AppliedCount >= 2, "both of Belgium's events (the share and the arrest) to be applied");
        var applied = exchange.BelgianReplica.AppliedCount;
        var duplicates = exchange.BelgianReplica.DuplicateCount;
        var entries = (await exchange.BelgianLogAsync(arrest.Name)).Count;

        // The very message Belgium already applied, published again twice (as a relay crash between
        // confirm and mark would), with its original message id.
        var original = await OutboxRowAsync(exchange, arrest.Name, "be");
        var publisher = exchange.Netherlands.Services.GetRequiredService<BrokerPublisher>();
        for (var i = 0; i < 2; i++)
        {
            await Task.WhenAll(await publisher.PublishAsync([original], CancellationToken.None));
        }

        await WaitUntilAsync(() => exchange.BelgianReplica.DuplicateCount >= duplicates + 2, "both duplicates to be delivered");
        Console.WriteLine($"fault test: duplicate delivery: 2 redeliveries, {exchange.BelgianReplica.DuplicateCount - duplicates} dropped by the inbox, {exchange.BelgianReplica.AppliedCount - applied} applied");
        Assert.Equal(applied, exchange.BelgianReplica.AppliedCount);
        Assert.Equal(entries, (await exchange.BelgianLogAsync(arrest.Name)).Count);
        // The first delivery is in the inbox (it may have changed nothing, if the operation's
        // RecordShared brought the copy first); the two later ones changed nothing either.
        await using var scope = exchange.Belgium!.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<AgencyDbContext>().Set<Argus.Agency.Replica.InboxMessage>().AnyAsync(m => m.MessageId == original.MessageId));
    }

    [Fact]
    public async Task Broker_stopped_during_a_burst_of_writes_every_event_arrives_and_none_is_applied_twice()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        var operation = await OpenOperationAsync(exchange);
        await exchange.ShareWithBelgiumAsync(operation);
        await exchange.WaitForCopiesAsync(c => c.Count == 1, Converge);
        var applied = exchange.BelgianReplica.AppliedCount;
        var written = new List<string>();

        var burst = Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                written.Add((await ArrestAsync(exchange, operation)).Name);
            }
        });
        await Task.Delay(150);
        await TestRabbitMq.StopAsync();
        try
        {
            await burst; // the API keeps working: the events wait in the outbox
        }
        finally
        {
            await TestRabbitMq.StartAsync();
        }

        var copies = await exchange.WaitForCopiesAsync(c => written.All(name => c.Any(x => x.Record == name)), TimeSpan.FromSeconds(120));
        var receipts = new List<int>();
        foreach (var name in written)
        {
            receipts.Add((await exchange.BelgianLogAsync(name)).Count(e => e.Details.StartsWith("copy received", StringComparison.Ordinal)));
        }

        var events = exchange.BelgianReplica.AppliedCount - applied;
        Console.WriteLine($"fault test: broker outage (replica): {written.Count} arrests written, {copies.Count - 1} copies in Belgium, {events} events applied, "
            + $"{exchange.BelgianReplica.DuplicateCount} duplicates dropped, {receipts.Count(r => r > 1)} applied twice");
        Assert.Equal(written.Count, copies.Count - 1);
        Assert.All(receipts, r => Assert.Equal(1, r));
        Assert.Equal(written.Count, events);
    }

    [Fact]
    public async Task A_partner_that_was_down_catches_up_through_sync()
    {
        await using var exchange = await ExchangeFixture.StartAsync(startBelgium: false);
        var operation = await OpenOperationAsync(exchange);
        await exchange.ShareWithBelgiumAsync(operation);
        var written = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            written.Add((await ArrestAsync(exchange, operation)).Name);
        }

        var erased = written[^1];
        await exchange.Netherlands.Client.Arrests.DeleteArrestAsync(new DeleteArrestRequest { Name = erased, Reason = "Recorded twice" });
        written.Remove(erased);

        // Belgium comes up after all of it: its queue did not exist, so only Sync can tell it.
        await exchange.StartBelgiumAsync();

        var copies = await exchange.WaitForCopiesAsync(c => c.Count == written.Count + 1, Converge);
        Console.WriteLine($"fault test: partner down, then Sync: {written.Count + 1} arrests written and 1 erased while Belgium was down, {copies.Count - 1} copies after catch-up");
        Assert.Equal(written.Append(operation).Order(), copies.Select(c => c.Record).Order());
        Assert.DoesNotContain(copies, c => c.Record == erased);
    }

    [Fact]
    public async Task The_replica_queue_takes_only_what_partners_published_not_the_agencys_own_events()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        // Belgium's own operation: its event goes to Belgium's routing key, for Belgium's own
        // integrators — the key Belgium's replica queue is bound with.
        var own = (await exchange.Belgium!.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("AN.55.L1.012345/21"),
        })).Operation.Name;
        await WaitUntilAsync(() => PublishedAsync(exchange.Belgium, own), "Belgium's own event to be confirmed by the broker");

        // Then a Dutch share, published after it: once its copy is applied, the queue has been
        // consumed past the point where Belgium's own event would be.
        var operation = await OpenOperationAsync(exchange);
        await exchange.ShareWithBelgiumAsync(operation);
        await exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == operation), Converge);
        await Task.Delay(500);

        Assert.Equal(0, exchange.BelgianReplica.OwnCount);
        Assert.True(exchange.BelgianReplica.AppliedCount >= 1);
    }

    private static async Task<bool> PublishedAsync(RunningAgency agency, string record)
    {
        await using var scope = agency.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AgencyDbContext>().Set<OutboxMessage>()
            .AnyAsync(m => m.Body.Contains(record) && m.PublishTime != null);
    }

    [Fact]
    public async Task A_message_the_replica_cannot_apply_is_dead_lettered_and_an_admin_can_inspect_and_replay_it()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        // An event naming an owner Belgium does not know: no retry can apply it.
        var poison = new ArrestRecorded(Guid.CreateVersion7(), "xx", "operations/argus/arrests/unknown", 1, "H2", DateTimeOffset.UtcNow);
        await Task.WhenAll(await exchange.Netherlands.Services.GetRequiredService<BrokerPublisher>()
            .PublishAsync([OutboxMessage.For(poison, "be", DateTimeOffset.UtcNow)], CancellationToken.None));

        var listed = await WaitForDeadLetterAsync(exchange, poison.EventId);
        Assert.Contains("unknown owner", listed, StringComparison.Ordinal);
        Assert.Contains("operations/argus/arrests/unknown", listed, StringComparison.Ordinal);

        var (code, output, _) = await CliAsync("dead-letters", "replay", "--queue", exchange.ReplicaQueue, "--message-id", poison.EventId.ToString());
        Assert.Equal(0, code);
        Assert.Contains("1 dead letters put back", output, StringComparison.Ordinal);
        // Replayed, it went through the consumer (and its retries) again, and failed again.
        await WaitForDeadLetterAsync(exchange, poison.EventId);
        var (missing, _, error) = await CliAsync("dead-letters", "list", "--queue", "argus.no-such-queue");
        Assert.Equal(3, missing);
        Assert.Contains("no queue", error, StringComparison.Ordinal);
    }

    private static async Task<string> WaitForDeadLetterAsync(ExchangeFixture exchange, Guid messageId)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (code, output, error) = await CliAsync("dead-letters", "list", "--queue", exchange.ReplicaQueue, "--json");
            Assert.True(code == 0, error);
            if (output.Contains(messageId.ToString(), StringComparison.Ordinal))
            {
                return output;
            }

            Assert.True(DateTime.UtcNow < until, $"{messageId} did not reach {exchange.ReplicaQueue}_error within 60 s; the queue holds: {output}");
            await Task.Delay(250);
        }
    }

    private static async Task<(int Code, string Output, string Error)> CliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Argus.Cli.ArgusCli.RunAsync([.. args, "--broker", TestRabbitMq.Uri], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task A_record_created_under_a_share_reaches_the_replica_without_a_read_on_the_owner_and_its_disclosure_is_logged_with_it()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        var operation = await OpenOperationAsync(exchange);
        await exchange.ShareWithBelgiumAsync(operation, HandlingCode.H2);
        await exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == operation), Converge);

        var arrests = new List<Arrest>();
        for (var i = 0; i < 5; i++)
        {
            arrests.Add(await ArrestAsync(exchange, operation));
        }

        var copies = await exchange.WaitForCopiesAsync(c => arrests.All(a => c.Any(x => x.Record == a.Name)), Converge);

        // Each copy is what the owner would have shown Belgium: the record, under the share's handling.
        Assert.All(arrests, a => Assert.Equal(a.Name, copies.Single(c => c.Record == a.Name).Arrest.Name));
        Assert.All(copies, c => Assert.Equal(HandlingCode.H2, c.HandlingCode));
        await using var scope = exchange.Netherlands.Services.CreateAsyncScope();
        var log = await scope.ServiceProvider.GetRequiredService<AgencyDbContext>().Set<AuditEntryEntity>().AsNoTracking().ToListAsync();
        foreach (var arrest in arrests)
        {
            // No read by Belgium's service: the event carried the record.
            Assert.DoesNotContain(log, e => e.Record == arrest.Name && e.ClientId == "argus-be");
            // The disclosure, by the writer, with the change.
            var disclosure = Assert.Single(log, e => e.Record == arrest.Name && e.Action == ProcessingAction.Disclosure);
            Assert.Equal("be", disclosure.Recipients);
            Assert.Contains("pushed under H2", disclosure.Details, StringComparison.Ordinal);
        }
    }

    private static async Task<string> OpenOperationAsync(ExchangeFixture exchange) =>
        (await exchange.Netherlands.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;

    private static async Task<Arrest> ArrestAsync(ExchangeFixture exchange, string operation) =>
        (await exchange.Netherlands.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest;

    private static async Task<OutboxMessage> OutboxRowAsync(ExchangeFixture exchange, string record, string route)
    {
        await using var scope = exchange.Netherlands.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        return await db.Set<OutboxMessage>().AsNoTracking().FirstAsync(m => m.RoutingKey == route && m.Body.Contains(record));
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + Converge;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
