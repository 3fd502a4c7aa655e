using System.Text.Json;
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
        var database = Path.Combine(data, "argus-nl.db");
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
                // ...behind a backlog long enough that the relay is still at it when the process
                // dies (it publishes well over 10,000 events a second).
                await AddBacklogAsync(database, Backlog);
                var writes = Enumerable.Range(0, 300).Select(_ =>
                    client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) }).ResponseAsync);
                created.AddRange((await Task.WhenAll(writes)).Select(r => r.Arrest.Name));
            }
            finally
            {
                await TestRabbitMq.StartAsync();
            }

            // ...the relay starts on the backlog; kill the process as soon as the first events arrive.
            await subscriber.WaitForAsync(received => received.Count > 0, TimeSpan.FromSeconds(60));
            await first.KillAsync();
        }

        var createdNames = created.ToHashSet();
        var deliveredBeforeCrash = subscriber.Received.Count(e => createdNames.Contains(e.Record));
        // Read from the dead process's own database: which of the created records' events the
        // relay had not yet marked published. Without such rows the restart would prove nothing.
        var unpublishedAtKill = await UnpublishedAsync(database, createdNames);
        Assert.True(unpublishedAtKill > 0, "The relay had published every created record's event before the kill; the test did not test a crash mid-publish.");
        await using var second = await AgencyProcess.StartAsync("Argus.Netherlands", "nl", port, data, identity, bus);
        await subscriber.WaitForAsync(received => received.Select(e => e.Record).Where(createdNames.Contains).Distinct().Count() == created.Count, TimeSpan.FromSeconds(90));

        var deliveries = subscriber.Received.Where(e => createdNames.Contains(e.Record)).ToList();
        var distinct = deliveries.Select(e => e.MessageId).Distinct().Count();
        Console.WriteLine($"fault test: relay crash: {created.Count} events, {deliveredBeforeCrash} delivered before the kill, {unpublishedAtKill} still unpublished at the kill, {distinct} distinct delivered in all, {deliveries.Count - distinct} duplicates");
        Assert.Equal(created.Count, deliveries.Select(e => e.Record).Distinct().Count());
        Assert.Equal(created.Count, distinct);
    }

    private const int Backlog = 30_000;

    private static SqliteAgencyDbContext Open(string databaseFile) =>
        new(new DbContextOptionsBuilder<SqliteAgencyDbContext>().UseSqlite($"Data Source={databaseFile};Pooling=False").Options);

    /// <summary>Events of no created record, written into the running service's outbox beside it (SQLite serializes the writers).</summary>
    private static async Task AddBacklogAsync(string databaseFile, int count)
    {
        await using var db = Open(databaseFile);
        var now = DateTimeOffset.UtcNow;
        db.Set<OutboxMessage>().AddRange(Enumerable.Range(0, count).Select(i => OutboxMessage.For(
            new Events.ArrestRecorded(Guid.CreateVersion7(), "nl", $"operations/crash-backlog/arrests/{i}", 1, "H2", now), "nl", now)));
        await db.SaveChangesAsync();
    }

    private static async Task<int> UnpublishedAsync(string databaseFile, HashSet<string> records)
    {
        await using var db = Open(databaseFile);
        var bodies = await db.Set<OutboxMessage>().Where(m => m.PublishTime == null && m.Type == nameof(Events.ArrestRecorded)).Select(m => m.Body).ToListAsync();
        return bodies.Count(body =>
        {
            using var json = JsonDocument.Parse(body);
            return records.Contains(json.RootElement.GetProperty("record").GetString()!);
        });
    }
}
