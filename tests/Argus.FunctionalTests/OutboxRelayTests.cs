using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Arrests.V1;
using Argus.Client.Security;
using Argus.Events;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests;

/// <summary>The outbox relay on PostgreSQL, where transactions commit in another order than their rows were numbered.</summary>
[Collection(BrokerCollection.Name)]
public sealed class OutboxRelayTests : IAsyncLifetime
{
    private RunningIdentity identity = null!;
    private RunningAgency nl = null!;
    private EventSubscriber subscriber = null!;
    private string operation = "";

    /// <summary>Each test its own Dutch service on PostgreSQL, a subscriber to its arrest events and an operation.</summary>
    public async Task InitializeAsync()
    {
        identity = await RunningIdentity.StartAsync();
        var writer = await identity.RegisterAsync("relay-writer", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes);
        nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, writer,
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}"]);
        subscriber = await EventSubscriber.StartAsync("nl", "argus.arrest-recorded");
        operation = (await nl.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
    }

    public async Task DisposeAsync()
    {
        await subscriber.DisposeAsync();
        await nl.DisposeAsync();
        await identity.DisposeAsync();
    }

    [Fact]
    public async Task An_event_that_commits_after_later_numbered_events_were_published_is_published_too()
    {
        var late = $"{operation}/arrests/committed-late";

        // A transaction takes its outbox row's sequence number now and commits only at the end...
        await using var scope = nl.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var now = DateTimeOffset.UtcNow;
            db.AddEvent(new ArrestRecorded(Guid.CreateVersion7(), "nl", late, 1, "H2", now), "nl", now);
            await db.SaveChangesAsync();

            // ...while changes numbered after it commit and are published: the relay has read past it.
            var created = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
                nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) }).ResponseAsync));
            await subscriber.WaitForAsync(received => created.All(c => received.Any(e => e.Record == c.Arrest.Name)), TimeSpan.FromSeconds(30));
            Assert.DoesNotContain(subscriber.Received, e => e.Record == late);
            await transaction.CommitAsync();
        }

        nl.Services.GetRequiredService<OutboxSignal>().Notify();
        await subscriber.WaitForAsync(received => received.Any(e => e.Record == late), TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// The relay restarts from the first unpublished row only when nothing is in flight, so under
    /// load a row that commits after the cursor passed its number is found by the gaps alone. Here
    /// one batch stays in flight the whole time — its mark waits on a row lock the test holds — and
    /// the late row must still be published: without the gaps it would wait for that batch.
    /// </summary>
    [Fact]
    public async Task A_late_committed_event_is_published_from_its_gap_while_an_earlier_batch_is_still_in_flight()
    {
        var (held, late) = ($"{operation}/arrests/held-in-flight", $"{operation}/arrests/committed-late");
        var signal = nl.Services.GetRequiredService<OutboxSignal>();

        // A batch that stays in flight: its row is committed, then locked, so once the broker has
        // confirmed it the relay's mark waits for the lock.
        await using var heldScope = nl.Services.CreateAsyncScope();
        var heldDb = heldScope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        heldDb.AddEvent(new ArrestRecorded(Guid.CreateVersion7(), "nl", held, 1, "H2", DateTimeOffset.UtcNow), "nl", DateTimeOffset.UtcNow);
        await heldDb.SaveChangesAsync();
        var heldSequence = heldDb.ChangeTracker.Entries<OutboxMessage>().Single().Entity.Sequence;
        await using var holding = await heldDb.Database.BeginTransactionAsync();
        await heldDb.Database.ExecuteSqlAsync($"""SELECT 1 FROM "OutboxMessages" WHERE "Sequence" = {heldSequence} FOR UPDATE""");
        signal.Notify();
        await subscriber.WaitForAsync(received => received.Any(e => e.Record == held), TimeSpan.FromSeconds(30));

        // A transaction takes the next number and commits only after a later-numbered change was published.
        await using var lateScope = nl.Services.CreateAsyncScope();
        var lateDb = lateScope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        await using (var transaction = await lateDb.Database.BeginTransactionAsync())
        {
            lateDb.AddEvent(new ArrestRecorded(Guid.CreateVersion7(), "nl", late, 1, "H2", DateTimeOffset.UtcNow), "nl", DateTimeOffset.UtcNow);
            await lateDb.SaveChangesAsync();
            var after = (await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest;
            await subscriber.WaitForAsync(received => received.Any(e => e.Record == after.Name), TimeSpan.FromSeconds(30));
            await transaction.CommitAsync();
        }

        // Found in its gap, it follows within a read or two. Without the gaps it would wait for the
        // held batch to end: the mark's command timeout, 30 s.
        signal.Notify();
        await subscriber.WaitForAsync(received => received.Any(e => e.Record == late), TimeSpan.FromSeconds(10));

        // The batch was in flight throughout (the test's own premise): its row is still unmarked.
        await using (var checkScope = nl.Services.CreateAsyncScope())
        {
            var check = checkScope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            Assert.Null((await check.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Sequence == heldSequence)).PublishTime);
        }

        await holding.RollbackAsync();
    }
}
