using System.Diagnostics;
using System.Text.Json;
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

namespace Argus.Benchmarks;

/// <summary>
/// bench.sh exchange: the outbox relay's maximum rate (a backlog of events published with
/// confirms), and, at a steady 500 writes/s, the delay from a write to its event reaching a
/// subscriber on the real RabbitMQ.
/// </summary>
internal static class ExchangeBenchmark
{
    public static async Task<int> RunAsync(BenchmarkSettings settings)
    {
        await using var identity = await RunningIdentity.StartAsync();
        var caller = await identity.RegisterAsync("bench-exchange", [ArgusAudiences.Agency("nl")],
            [ArgusScopes.OperationsWrite, ArgusScopes.ArrestsWrite, ArgusScopes.ArrestsRead]);
        await using var nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, caller,
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}"]);
        await using var subscriber = await EventSubscriber.StartAsync("nl", "argus.arrest-recorded");
        var parent = (await nl.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = "bench-" + Guid.NewGuid().ToString("N")[..8],
            Operation = UnaryBenchmark.NewOperation(),
        })).Operation.Name;

        var relayRate = await MeasureRelayAsync(nl, subscriber, backlog: 20_000);
        Console.WriteLine($"outbox relay: {relayRate:N0} events/s (20,000 events, publisher confirms, to a bound quorum-free durable queue)");

        var (p50, p99, writes) = await MeasureDelayAsync(nl, subscriber, parent, perSecond: 500, settings.Duration);
        Console.WriteLine($"500 writes/s for {settings.Duration.TotalSeconds:N0} s ({writes} writes): commit → event at the subscriber p50 {p50:N1} ms, p99 {p99:N1} ms");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "exchange",
            p50_ms = Math.Round(p50, 1),
            p99_ms = Math.Round(p99, 1),
            relay_events_per_s = Math.Round(relayRate),
            writes,
            measured_to = "owner's subscriber on RabbitMQ (the partner replica comes with sharing)",
        }));
        return 0;
    }

    /// <summary>Writes a backlog straight into the outbox, wakes the relay, and times until every row is confirmed.</summary>
    private static async Task<double> MeasureRelayAsync(RunningAgency agency, EventSubscriber subscriber, int backlog)
    {
        await using (var scope = agency.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            var now = DateTimeOffset.UtcNow;
            db.OutboxMessages.AddRange(Enumerable.Range(0, backlog).Select(i => RecordEventFactory.ToOutbox(
                new ArrestRecorded(Guid.CreateVersion7(), "nl", $"operations/bench/arrests/{i}", 1, "H2", now), "nl", now)));
            await db.SaveChangesAsync();
        }

        var clock = Stopwatch.StartNew();
        agency.Services.GetRequiredService<OutboxSignal>().Notify();
        while (true)
        {
            await using var scope = agency.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            if (!await db.OutboxMessages.AnyAsync(m => m.PublishTime == null))
            {
                break;
            }

            await Task.Delay(20);
        }

        var rate = backlog / clock.Elapsed.TotalSeconds;
        await subscriber.WaitForAsync(received => received.Count >= backlog, TimeSpan.FromSeconds(60));
        return rate;
    }

    /// <summary>Open loop: a write every 2 ms whatever the answers do; delay = event received − write started.</summary>
    private static async Task<(double P50, double P99, int Writes)> MeasureDelayAsync(RunningAgency agency, EventSubscriber subscriber, string parent, int perSecond, TimeSpan duration)
    {
        var started = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var arrived = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var baseline = subscriber.Received.Count;
        using var watch = new CancellationTokenSource();
        var observer = Task.Run(async () =>
        {
            var seen = baseline;
            while (!watch.IsCancellationRequested)
            {
                foreach (var e in subscriber.Received.Skip(seen))
                {
                    arrived.TryAdd(e.Record, Stopwatch.GetTimestamp());
                    seen++;
                }

                await Task.Delay(1);
            }
        });

        // Ticks of 10 ms, each starting its share of writes: a steady rate without a spinning thread.
        var count = (int)(duration.TotalSeconds * perSecond);
        var writes = new List<Task>(count);
        var origin = Stopwatch.GetTimestamp();
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (writes.Count < count)
        {
            await ticks.WaitForNextTickAsync();
            var due = Math.Min(count, (int)(Stopwatch.GetElapsedTime(origin).TotalSeconds * perSecond));
            while (writes.Count < due)
            {
                writes.Add(Write());
            }
        }

        Task Write() => Task.Run(async () =>
            {
                var begin = Stopwatch.GetTimestamp();
                var arrest = (await agency.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = parent, Arrest = UnaryBenchmark.NewArrest() })).Arrest;
                started[arrest.Name] = begin;
            });

        await Task.WhenAll(writes);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (started.Keys.Any(name => !arrived.ContainsKey(name)) && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        await watch.CancelAsync();
        await observer;
        var delays = started.Where(s => arrived.ContainsKey(s.Key))
            .Select(s => (arrived[s.Key] - s.Value) * 1000.0 / Stopwatch.Frequency)
            .Order()
            .ToArray();
        if (delays.Length < started.Count)
        {
            throw new InvalidOperationException($"{started.Count - delays.Length} events never arrived.");
        }

        return (delays[delays.Length / 2], delays[Math.Min(delays.Length - 1, (int)(delays.Length * 0.99))], count);
    }
}
