using System.Diagnostics;
using Argus.Arrests.V1;
using Argus.Client;
using Argus.Client.Security;
using Argus.Testing;
using Grpc.Health.V1;

namespace Argus.FunctionalTests.Availability;

/// <summary>
/// A service restarted while the broker is down, with events of before still in its outbox,
/// serves at once: health says SERVING (degraded, not unavailable) and writes go at their usual
/// pace, their events kept in the outbox until the broker is back.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class BrokerDownAtStartTests
{
    [Fact]
    public async Task A_service_restarted_while_the_broker_is_down_serves_and_writes_at_its_usual_pace()
    {
        await using var identity = await RunningIdentity.StartAsync();
        var writer = await identity.RegisterAsync("broker-down-writer", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes, agency: "nl");
        using var tokens = new AccessTokenSource(writer);
        var data = Directory.CreateTempSubdirectory("argus-broker-down-").FullName;
        var port = TestPki.FreePort();
        string[] bus = [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}"];

        double brokerUp;
        string operation;
        await using (var first = await AgencyProcess.StartAsync("Argus.Netherlands", "nl", port, data, identity, bus))
        using (var client = AgencyClient.For(first.Address, "nl", tokens, writer))
        {
            operation = (await client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
            {
                OperationId = Records.NewOperationId(),
                Operation = Records.Operation("10/960071-21"),
            })).Operation.Name;
            brokerUp = await CreatesPerSecondAsync(client, operation, 300);
            await TestRabbitMq.StopAsync();
            await CreatesPerSecondAsync(client, operation, 1000); // a backlog the relay cannot publish
            await first.KillAsync();
        }

        try
        {
            var restart = Stopwatch.StartNew();
            await using var second = await AgencyProcess.StartAsync("Argus.Netherlands", "nl", port, data, identity, bus);
            var servingAfter = restart.Elapsed;
            using var client = AgencyClient.For(second.Address, "nl", tokens, writer);
            var brokerDown = await CreatesPerSecondAsync(client, operation, 300);
            var health = (await client.Health.CheckAsync(new HealthCheckRequest())).Status;
            Console.WriteLine($"fault test: restart with the broker down: SERVING {servingAfter.TotalSeconds:N1} s after start, {brokerDown:N0} creates/s (before, broker up: {brokerUp:N0}/s)");

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health);
            Assert.True(servingAfter < TimeSpan.FromSeconds(15), $"SERVING only {servingAfter.TotalSeconds:N1} s after the restart");
            // Ratios in one run, not absolute figures: a third of the pace allows for the noise of
            // a shared 2-core machine; the slowdown this guards against was tenfold.
            Assert.True(brokerDown > brokerUp / 3, $"{brokerDown:N0} creates/s with the broker down against {brokerUp:N0}/s with it up");
        }
        finally
        {
            await TestRabbitMq.StartAsync();
        }
    }

    private static async Task<double> CreatesPerSecondAsync(AgencyClient client, string operation, int writes)
    {
        var timer = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, writes).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                await client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) },
                    deadline: DateTime.UtcNow.AddSeconds(60));
            }
            finally
            {
                gate.Release();
            }
        }));
        return writes / timer.Elapsed.TotalSeconds;
    }
}
