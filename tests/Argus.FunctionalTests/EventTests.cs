using Argus.Arrests.V1;
using Argus.Client.Security;
using Argus.Events;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Testing;
using Google.Protobuf.WellKnownTypes;

namespace Argus.FunctionalTests;

/// <summary>
/// Events on the real RabbitMQ: every change is published from the outbox, routed to its agency
/// only, and none is lost while the broker is down.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class EventTests : IAsyncLifetime
{
    private RunningIdentity identity = null!;
    private RunningAgency nl = null!;

    public async Task InitializeAsync()
    {
        identity = await RunningIdentity.StartAsync();
        var writer = await identity.RegisterAsync("event-writer", [ArgusAudiences.Agency("nl")], [.. AgencyFixture.RecordScopes, ArgusScopes.Exchange]);
        nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, writer, extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}"]);
    }

    public async Task DisposeAsync()
    {
        await nl.DisposeAsync();
        await identity.DisposeAsync();
    }

    [Fact]
    public async Task A_change_is_published_to_the_owners_routing_key_and_no_other()
    {
        await using var dutch = await EventSubscriber.StartAsync("nl", "argus.arrest-recorded", "argus.arrest-updated");
        await using var belgian = await EventSubscriber.StartAsync("be", "argus.arrest-recorded", "argus.arrest-updated");
        var operation = await OpenOperationAsync();

        var arrest = (await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest;
        await nl.Client.Arrests.UpdateArrestAsync(new UpdateArrestRequest
        {
            Arrest = new Arrest { Name = arrest.Name, Etag = arrest.Etag, CustodyStatus = CustodyStatus.Released },
            UpdateMask = new FieldMask { Paths = { "custody_status" } },
        });

        await dutch.WaitForAsync(received => received.Count(e => e.Record == arrest.Name) >= 2, TimeSpan.FromSeconds(20));
        var events = dutch.Received.Where(e => e.Record == arrest.Name).ToList();
        Assert.Equal(["argus.arrest-recorded", "argus.arrest-updated"], events.Select(e => e.Exchange));
        Assert.All(events, e => Assert.True(Guid.TryParse(e.MessageId, out _)));
        Assert.Contains(dutch.MessageTypes, types => types.Split(' ').Contains("argus:arrest-recorded:v1"));
        await Task.Delay(500);
        Assert.DoesNotContain(belgian.Received, e => e.Record == arrest.Name);
    }

    [Fact]
    public async Task Events_of_writes_made_while_the_broker_is_down_all_arrive_once_it_is_back()
    {
        await using var subscriber = await EventSubscriber.StartAsync("nl", "argus.arrest-recorded");
        var operation = await OpenOperationAsync();
        var created = new List<string>();

        await TestRabbitMq.StopAsync();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                // The API keeps working: the events wait in the outbox.
                created.Add((await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest.Name);
            }
        }
        finally
        {
            await TestRabbitMq.StartAsync();
        }

        await subscriber.WaitForAsync(received => created.All(name => received.Any(e => e.Record == name)), TimeSpan.FromSeconds(90));
        var deliveries = subscriber.Received.Where(e => created.Contains(e.Record)).ToList();
        var duplicates = deliveries.Count - deliveries.Select(e => e.MessageId).Distinct().Count();
        Console.WriteLine($"fault test: broker outage (subscriber): {created.Count} arrests written while down, {deliveries.Select(e => e.MessageId).Distinct().Count()} events delivered, {duplicates} duplicate deliveries");
        Assert.Equal(created.Count, deliveries.Select(e => e.Record).Distinct().Count());
    }

    [Fact]
    public async Task Only_what_is_shared_with_belgium_reaches_belgiums_queue()
    {
        await using var belgian = await EventSubscriber.StartAsync("be", "argus.record-shared", "argus.arrest-recorded", "argus.share-revoked");
        var shared = await OpenOperationAsync();
        var unshared = await OpenOperationAsync();
        var share = (await nl.Client.Exchange.ShareRecordAsync(new Exchange.V1.ShareRecordRequest
        {
            Share = new Exchange.V1.Share
            {
                Record = shared,
                Recipient = Common.V1.AgencyCode.Be,
                Handling = new Common.V1.Handling { Code = Common.V1.HandlingCode.H2 },
                Purpose = "Joint investigation Argus",
            },
        })).Share;

        var visible = (await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = shared, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest.Name;
        var invisible = (await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = unshared, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest.Name;
        await nl.Client.Exchange.RevokeShareAsync(new Exchange.V1.RevokeShareRequest { Name = share.Name });

        await belgian.WaitForAsync(received => received.Any(e => e.Exchange == "argus.share-revoked" && e.Record == shared), TimeSpan.FromSeconds(20));
        Assert.Contains(belgian.Received, e => e.Exchange == "argus.record-shared" && e.Record == shared);
        Assert.Contains(belgian.Received, e => e.Exchange == "argus.arrest-recorded" && e.Record == visible);
        Assert.DoesNotContain(belgian.Received, e => e.Record == invisible);
    }

    private async Task<string> OpenOperationAsync() =>
        (await nl.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
}
