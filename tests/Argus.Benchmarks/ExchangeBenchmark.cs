using System.Diagnostics;
using System.Text.Json;

using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Agency.Replica;
using Argus.Arrests.V1;
using Argus.Client.Security;
using Argus.Events;
using Argus.Hosting.Persistence;
using Argus.Belgium;
using Argus.Netherlands;
using Argus.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Benchmarks;

/// <summary>
/// bench.sh exchange: the outbox relay's maximum rate (a backlog of events published with
/// confirms), and, at a steady 500 writes/s on the Netherlands, the delay from a write to the
/// record being readable in Belgium's replica (event on the real RabbitMQ, fetch over gRPC).
/// </summary>
internal static class ExchangeBenchmark
{
    public static async Task<int> RunAsync(BenchmarkSettings settings)
    {
        await using var identity = await RunningIdentity.StartAsync(DatabaseProvider.PostgreSql);
        var caller = await identity.RegisterAsync("bench-exchange", [ArgusAudiences.Agency("nl")],
            [ArgusScopes.OperationsWrite, ArgusScopes.ArrestsWrite, ArgusScopes.ArrestsRead, ArgusScopes.Exchange], agency: "nl");
        var (_, belgianService) = await identity.RegisterAgencyServiceAsync("argus-be", "be", [ArgusAudiences.Agency("nl")],
            [ArgusScopes.Exchange, ArgusScopes.OperationsRead, ArgusScopes.SearchesRead, ArgusScopes.ArrestsRead, ArgusScopes.EvidenceRead]);
        await using var nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, caller,
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}"]);
        await using var subscriber = await EventSubscriber.StartAsync("nl", "argus.arrest-recorded");
        var relayRate = await MeasureRelayAsync(nl, subscriber, backlog: 20_000);
        Console.WriteLine($"outbox relay: {relayRate:N0} events/s (20,000 events, publisher confirms, to a durable queue)");

        await using var be = await RunningAgency.StartAsync(new BelgianJurisdiction(), DatabaseProvider.PostgreSql, identity,
            own: belgianService, partners: new Dictionary<string, Uri> { ["Nl"] = nl.Address },
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}", $"--Argus:Replica:Queue=argus.be.replica.bench-{Guid.NewGuid():N}"]);
        var parent = (await nl.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = "bench-" + Guid.NewGuid().ToString("N")[..8],
            Operation = UnaryBenchmark.NewOperation(),
        })).Operation.Name;
        await nl.Client.Exchange.ShareRecordAsync(new Exchange.V1.ShareRecordRequest
        {
            Share = new Exchange.V1.Share
            {
                Record = parent, Recipient = Common.V1.AgencyCode.Be, Handling = new Common.V1.Handling { Code = Common.V1.HandlingCode.H2 }, Purpose = "benchmark",
            },
        });

        // The steady rate asked for, then twice and four times it, shorter: where the delay turns.
        var runs = new List<(int Rate, double P50, double P99, int Writes, double Achieved)>();
        foreach (var (factor, share) in new[] { (1, 1.0), (2, 0.6), (4, 0.4) })
        {
            var rate = settings.Rate * factor;
            var (p50, p99, writes, achieved) = await MeasureReplicaDelayAsync(nl, be, parent, rate, settings.Duration * share);
            runs.Add((rate, p50, p99, writes, achieved));
            Console.WriteLine($"{rate} writes/s asked for {(settings.Duration * share).TotalSeconds:N0} s ({writes} writes on NL, shared with BE; NL answered them at {achieved:N0}/s): NL commit → copy committed in Belgium's replica p50 {p50:N1} ms, p99 {p99:N1} ms");
        }

        var knee = runs.Where(r => r.P99 <= 100).Select(r => (int?)r.Rate).Max();
        double peakRssMb;
        using (var self = Process.GetCurrentProcess())
        {
            peakRssMb = self.PeakWorkingSet64 / 1e6;
        }

        Console.WriteLine($"knee (highest rate with p99 ≤ 100 ms): {(knee is { } k ? $"{k} writes/s" : "none of the rates tried")}; peak RSS {peakRssMb:N0} MB");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "exchange",
            p50_ms = Math.Round(runs[0].P50, 1),
            p99_ms = Math.Round(runs[0].P99, 1),
            writes_per_s = settings.Rate,
            writes = runs[0].Writes,
            // The open loop asks for the rate; this is the rate at which the Dutch service answered
            // (below the asked rate, it was saturated and the delays include its queue).
            achieved_writes_per_s = Math.Round(runs[0].Achieved),
            runs = runs.Select(r => new { writes_per_s = r.Rate, achieved_writes_per_s = Math.Round(r.Achieved), p50_ms = Math.Round(r.P50, 1), p99_ms = Math.Round(r.P99, 1), r.Writes }),
            knee_writes_per_s = knee,
            relay_events_per_s = Math.Round(relayRate),
            peak_rss_mb = Math.Round(peakRssMb),
            peak_rss_of = "the benchmark process: identity server, both agency services and the clients, in-process",
            measured_to = "the record readable in Belgium's replica (PostgreSQL both sides, RabbitMQ quorum queue; the event carries the record, no fetch)",
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
            db.Set<OutboxMessage>().AddRange(Enumerable.Range(0, backlog).Select(i => OutboxMessage.For(
                new ArrestRecorded(Guid.CreateVersion7(), "nl", $"operations/bench/arrests/{i}", 1, "H2", now), "nl", now)));
            await db.SaveChangesAsync();
        }

        Console.WriteLine($"outbox relay: publishing a backlog of {backlog:N0} events");
        var clock = Stopwatch.StartNew();
        agency.Services.GetRequiredService<OutboxSignal>().Notify();
        while (true)
        {
            await using var scope = agency.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            if (!await db.Set<OutboxMessage>().AnyAsync(m => m.PublishTime == null))
            {
                break;
            }

            await Task.Delay(20);
        }

        var rate = backlog / clock.Elapsed.TotalSeconds;
        await subscriber.WaitForAsync(received => received.Count >= backlog, TimeSpan.FromSeconds(60));
        return rate;
    }

    /// <summary>
    /// Open loop: writes at a steady rate whatever the answers do. Delay = when Belgium's copy was
    /// written (stamped just before its commit) − when the Netherlands stamped the record (just
    /// before its commit): both on this machine's clock, read from the databases afterwards, so
    /// measuring adds no load.
    /// </summary>
    private static async Task<(double P50, double P99, int Writes, double Achieved)> MeasureReplicaDelayAsync(RunningAgency nl, RunningAgency be, string parent, int perSecond, TimeSpan duration)
    {
        var count = (int)(duration.TotalSeconds * perSecond);
        var writes = new List<Task<Arrest>>(count);
        var origin = Stopwatch.GetTimestamp();
        using var sampling = new CancellationTokenSource();
        var sampler = SampleAsync(nl, be, origin, sampling.Token);
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (writes.Count < count)
        {
            await ticks.WaitForNextTickAsync();
            var due = Math.Min(count, (int)(Stopwatch.GetElapsedTime(origin).TotalSeconds * perSecond));
            while (writes.Count < due)
            {
                writes.Add(Task.Run(async () =>
                    (await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = parent, Arrest = UnaryBenchmark.NewArrest() },
                        // Past the knee the open loop queues writes for longer than the client's default 10 s.
                        deadline: DateTime.UtcNow.AddMinutes(2))).Arrest));
            }
        }

        var written = (await Task.WhenAll(writes)).ToDictionary(a => a.Name, a => a.CreateTime.ToDateTimeOffset());
        var answered = Stopwatch.GetElapsedTime(origin);
        Console.WriteLine($"writes done after {answered.TotalSeconds:N1} s");
        await sampling.CancelAsync();
        await sampler;
        var until = DateTime.UtcNow.AddSeconds(120);
        Dictionary<string, DateTimeOffset> copies;
        while (true)
        {
            await using var scope = be.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            copies = await db.Set<ForeignRecord>().AsNoTracking().Where(c => c.Kind == Agency.AgencyRecordKinds.All.Of(typeof(Agency.Arrests.Arrest)).Name)
                .ToDictionaryAsync(c => c.Record, c => c.UpdateTime);
            var arrived = written.Keys.Count(copies.ContainsKey);
            Console.WriteLine($"  +{Stopwatch.GetElapsedTime(origin).TotalSeconds:N0} s: {arrived} of {written.Count} in Belgium's replica");
            if (arrived == written.Count || DateTime.UtcNow > until)
            {
                break;
            }

            await Task.Delay(1000);
        }

        var missing = written.Keys.Count(name => !copies.ContainsKey(name));
        if (missing > 0)
        {
            throw new InvalidOperationException($"{missing} of {written.Count} records never reached Belgium's replica.");
        }

        var delays = written.Select(w => (copies[w.Key] - w.Value).TotalMilliseconds).Order().ToArray();
        return (delays[delays.Length / 2], delays[Math.Min(delays.Length - 1, (int)(delays.Length * 0.99))], count, count / answered.TotalSeconds);
    }

    /// <summary>Where the events are while the writes go on: written and published on NL, applied on BE (every 500 ms).</summary>
    private static async Task SampleAsync(RunningAgency nl, RunningAgency be, long origin, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(500, stop);
                await using var nlScope = nl.Services.CreateAsyncScope();
                await using var beScope = be.Services.CreateAsyncScope();
                var outbox = nlScope.ServiceProvider.GetRequiredService<AgencyDbContext>().Set<OutboxMessage>().Where(m => m.RoutingKey == "be");
                var total = await outbox.CountAsync(stop);
                var published = await outbox.CountAsync(m => m.PublishTime != null, stop);
                var applied = await beScope.ServiceProvider.GetRequiredService<AgencyDbContext>().Set<InboxMessage>().CountAsync(stop);
                Console.WriteLine($"  +{Stopwatch.GetElapsedTime(origin).TotalSeconds:N1} s: NL wrote {total} events for BE, published {published}; BE applied {applied}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
