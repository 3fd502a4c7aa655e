using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Microsoft.EntityFrameworkCore;
using Argus.Arrests.V1;
using Argus.Client;
using Argus.Client.Security;
using Argus.Testing;

namespace Argus.FunctionalTests;

/// <summary>The relay's process is killed while it publishes; after a restart every event still arrives.</summary>
[Collection(BrokerCollection.Name)]
public sealed class RelayCrashTests
{
    [Fact]
    public async Task Killing_the_service_mid_publish_loses_no_event()
    {
        await using var identity = await RunningIdentity.StartAsync();
        var writer = await identity.RegisterAsync("crash-writer", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes);
        await using var subscriber = await EventSubscriber.StartAsync("nl", "argus.arrest-recorded");
        var data = Directory.CreateTempSubdirectory("argus-crash-").FullName;
        var port = TestPki.FreePort();
        string[] bus = [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}"];
        using var tokens = new AccessTokenSource(writer);
        var created = new List<string>();

        var first = await AgencyProcess.StartAsync("Argus.Netherlands", "nl", port, data, identity, bus);
        using (var client = AgencyClient.For(first.Address, "nl", tokens, writer))
        {
            var operation = (await client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
            {
                OperationId = Records.NewOperationId(),
                Operation = Records.Operation("10/960071-21"),
            })).Operation.Name;
            await TestRabbitMq.StopAsync(); // events pile up in the outbox...
            try
            {
                var writes = Enumerable.Range(0, 300).Select(_ =>
                    client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) }).ResponseAsync);
                created.AddRange((await Task.WhenAll(writes)).Select(r => r.Arrest.Name));
            }
            finally
            {
                await TestRabbitMq.StartAsync();
            }

            // ...the relay starts on the backlog; kill the process as soon as the first events arrive.
            await subscriber.WaitForAsync(received => received.Any(e => created.Contains(e.Record)), TimeSpan.FromSeconds(60));
            await first.KillAsync();
        }

        var deliveredBeforeCrash = subscriber.Received.Count(e => created.Contains(e.Record));
        // Read from the dead process's own database: what the relay had not yet marked published.
        // Without such rows the restart would prove nothing.
        var unpublishedAtKill = await UnpublishedAsync(Path.Combine(data, "argus-nl.db"));
        Assert.True(unpublishedAtKill > 0, "The relay had published every event before the kill; the test did not test a crash mid-publish.");
        await using var second = await AgencyProcess.StartAsync("Argus.Netherlands", "nl", port, data, identity, bus);
        await subscriber.WaitForAsync(received => created.All(name => received.Any(e => e.Record == name)), TimeSpan.FromSeconds(90));

        var deliveries = subscriber.Received.Where(e => created.Contains(e.Record)).ToList();
        var distinct = deliveries.Select(e => e.MessageId).Distinct().Count();
        Console.WriteLine($"fault test: relay crash: {created.Count} events, {deliveredBeforeCrash} delivered before the kill, {unpublishedAtKill} still unpublished at the kill, {distinct} distinct delivered in all, {deliveries.Count - distinct} duplicates");
        Assert.Equal(created.Count, deliveries.Select(e => e.Record).Distinct().Count());
        Assert.Equal(created.Count, distinct);
    }

    private static async Task<int> UnpublishedAsync(string databaseFile)
    {
        var options = new DbContextOptionsBuilder<SqliteAgencyDbContext>().UseSqlite($"Data Source={databaseFile};Pooling=False").Options;
        await using var db = new SqliteAgencyDbContext(options);
        return await db.Set<OutboxMessage>().CountAsync(m => m.PublishTime == null && m.Type == nameof(Events.ArrestRecorded));
    }
}
