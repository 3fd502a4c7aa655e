using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Arrests.V1;
using Argus.Client.Security;
using Argus.Events;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests;

/// <summary>The outbox relay on PostgreSQL, where transactions commit in another order than their rows were numbered.</summary>
[Collection(BrokerCollection.Name)]
public sealed class OutboxRelayTests
{
    [Fact]
    public async Task An_event_that_commits_after_later_numbered_events_were_published_is_published_too()
    {
        await using var identity = await RunningIdentity.StartAsync();
        var writer = await identity.RegisterAsync("relay-writer", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes);
        await using var nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, writer,
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}"]);
        await using var subscriber = await EventSubscriber.StartAsync("nl", "argus.arrest-recorded");
        var operation = (await nl.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
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
}
