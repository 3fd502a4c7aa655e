using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Agency.Replica;
using Argus.Arrests.V1;
using Argus.Client;
using Argus.Client.Security;
using Argus.Events;
using Argus.Hosting.Persistence;
using Argus.Testing;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Argus.Benchmarks;

/// <summary>
/// bench.sh exchange: the outbox relay's maximum rate (a backlog of events published with
/// confirms) against the broker's own for the same messages (its ceiling here), and, at a steady 500 writes/s on the Netherlands, the delay from a write to the
/// record being readable in Belgium's replica (the event, carrying the record, on the real
/// RabbitMQ). Each agency service runs in its own process, as deployed: its memory and CPU are its
/// own, and so are its runtime, thread pool and collector.
/// </summary>
internal static class ExchangeBenchmark
{
    private const int Backlog = 20_000;

    public static async Task<int> RunAsync(BenchmarkSettings settings)
    {
        await using var identity = await RunningIdentity.StartAsync(DatabaseProvider.PostgreSql);
        var caller = await identity.RegisterAsync("bench-exchange", [ArgusAudiences.Agency("nl")],
            [ArgusScopes.OperationsWrite, ArgusScopes.ArrestsWrite, ArgusScopes.ArrestsRead, ArgusScopes.Exchange], agency: "nl");
        var (_, belgianService) = await identity.RegisterAgencyServiceAsync("argus-be", "be", [ArgusAudiences.Agency("nl")],
            [ArgusScopes.Exchange, ArgusScopes.OperationsRead, ArgusScopes.SearchesRead, ArgusScopes.ArrestsRead, ArgusScopes.EvidenceRead]);
        var (nlDatabase, beDatabase) = (await TestPostgres.CreateDatabaseAsync("nl"), await TestPostgres.CreateDatabaseAsync("be"));
        string[] common = ["--Database:Provider=PostgreSql", $"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}"];
        var folders = new[] { Directory.CreateTempSubdirectory("argus-bench-nl-").FullName, Directory.CreateTempSubdirectory("argus-bench-be-").FullName };
        await using var nl = await AgencyProcess.StartAsync("Argus.Netherlands", "nl", TestPki.FreePort(), folders[0], identity,
            // The owner alone, as in the tests: no replica of its own (the default configuration's
            // credentials and partner are not there), so it does not try to reach them, and no key
            // to sign its log heads with.
            [.. common, $"--Database:ConnectionString={nlDatabase}", "--Argus:Credentials:ClientId=", "--Argus:Credentials:CertificatePath=", "--Argus:Credentials:KeyPath="]);
        var started = new List<(string Name, AgencyProcess Service)> { ("NL", nl) };
        try
        {
            using var tokens = new AccessTokenSource(caller);
            using var client = AgencyClient.For(nl.Address, "nl", tokens, caller);
            var parent = (await client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
            {
                OperationId = "bench-" + Guid.NewGuid().ToString("N")[..8],
                Operation = UnaryBenchmark.NewOperation(),
            })).Operation.Name;

            // The ceiling first: the broker's own rate for the same messages, published from here.
            // Twice, the first unmeasured, as the relay below: warm code on both sides of the ratio.
            await MeasureBrokerCeilingAsync();
            var ceiling = await MeasureBrokerCeilingAsync();
            Console.WriteLine($"broker ceiling: {ceiling:N0} events/s (the relay's envelopes, {Backlog:N0} published by RabbitMQ.Client from the benchmark, confirms pipelined, to a durable queue)");
            double relayRate;
            // One backlog first, unmeasured: the Dutch service has just started, and while it published
            // the first its tiering thread took 42 % of its CPU (perf, 2026-12-03); a deployed relay has
            // run a while. Each backlog has its own queue, declared when the last one is published.
            await using (var warm = await EventSubscriber.DeclareAsync("nl", "argus.arrest-recorded"))
            {
                Console.WriteLine($"outbox relay, warm-up (not measured): {await MeasureRelayAsync(client, parent, nlDatabase, warm):N0} events/s");
            }

            await using (var subscriber = await EventSubscriber.DeclareAsync("nl", "argus.arrest-recorded"))
            {
                relayRate = await MeasureRelayAsync(client, parent, nlDatabase, subscriber);
            }

            var (cpuAfterRelay, peakAfterRelay) = (nl.ProcessorTime, nl.PeakResidentMb);
            Console.WriteLine($"outbox relay: {relayRate:N0} events/s ({Backlog:N0} events, publisher confirms, to a durable queue); "
                + $"the Dutch service's peak resident memory so far {peakAfterRelay:N0} MB");

            await using var be = await AgencyProcess.StartAsync("Argus.Belgium", "be", TestPki.FreePort(), folders[1], identity,
                [.. common, $"--Database:ConnectionString={beDatabase}",
                    $"--Argus:Credentials:ClientId={belgianService.ClientId}", $"--Argus:Credentials:CertificatePath={belgianService.Certificate}",
                    $"--Argus:Credentials:KeyPath={belgianService.Key}", $"--Argus:Partners:Nl:Address={nl.Address}",
                    $"--Argus:Replica:Queue=argus.be.replica.bench-{Guid.NewGuid():N}"]);
            started.Add(("BE", be));
            await client.Exchange.ShareRecordAsync(new Exchange.V1.ShareRecordRequest
            {
                Share = new Exchange.V1.Share
                {
                    Record = parent, Recipient = Common.V1.AgencyCode.Be, Handling = new Common.V1.Handling { Code = Common.V1.HandlingCode.H2 }, Purpose = "benchmark",
                },
            });

            // Both services warmed up first, as services that have run for a while are (Belgium has
            // just started, and has the share to apply): the warm-up's writes are not measured. Then
            // a quarter and half of the rate asked for (shorter), the rate asked for, then twice and
            // four times it, shorter: where the delay turns.
            var databases = new Databases(nlDatabase, beDatabase);
            var warmup = await MeasureReplicaDelayAsync(client, databases, parent, settings.Rate / 4, settings.Warmup);
            Console.WriteLine($"warm-up, not measured: {settings.Rate / 4} writes/s asked for {settings.Warmup.TotalSeconds:N0} s (p99 {warmup.P99:N0} ms)");
            var runs = new List<(int Rate, double P50, double P99, int Writes, double Achieved, int Refused)>();
            foreach (var (factor, share) in new[] { (0.25, 0.4), (0.5, 0.4), (1, 1.0), (2, 0.6), (4, 0.4) })
            {
                var rate = (int)(settings.Rate * factor);
                var (p50, p99, writes, achieved, refused) = await MeasureReplicaDelayAsync(client, databases, parent, rate, settings.Duration * share);
                runs.Add((rate, p50, p99, writes, achieved, refused));
                Console.WriteLine($"{rate} writes/s asked for {(settings.Duration * share).TotalSeconds:N0} s ({writes} writes on NL, shared with BE; NL answered them at {achieved:N0}/s, refused {refused} calls with RESOURCE_EXHAUSTED, each asked again): NL commit → copy committed in Belgium's replica p50 {p50:N1} ms, p99 {p99:N1} ms");
            }

            var knee = runs.Where(r => r.P99 <= 100).Select(r => (int?)r.Rate).Max();
            var asked = runs.Single(r => r.Rate == settings.Rate);
            var (nlPeak, bePeak) = (nl.PeakResidentMb, be.PeakResidentMb);
            var (nlCpu, beCpu) = (nl.ProcessorTime - cpuAfterRelay, be.ProcessorTime);
            Console.WriteLine($"knee (highest rate with p99 ≤ 100 ms): {(knee is { } k ? $"{k} writes/s" : "none of the rates tried")}");
            Console.WriteLine($"peak resident memory of each service's process over its life (target < 300): the Dutch service {nlPeak:N0} MB, the Belgian service {bePeak:N0} MB");
            Console.WriteLine($"CPU over the replica runs: the Dutch service {nlCpu.TotalSeconds:N1} s, the Belgian service {beCpu.TotalSeconds:N1} s");
            Console.WriteLine($"logged (warnings and above): the Dutch service {nl.LogLines:N0} lines, the Belgian service {be.LogLines:N0} lines");
            foreach (var (name, service) in new[] { ("NL", nl), ("BE", be) })
            {
                foreach (var line in service.RecentLog.Where(l => !AgencyProcess.IsStackFrame(l)).TakeLast(5))
                {
                    Console.WriteLine($"  {name} log: {line}");
                }
            }
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "exchange",
                p50_ms = Math.Round(asked.P50, 1),
                p99_ms = Math.Round(asked.P99, 1),
                writes_per_s = settings.Rate,
                writes = asked.Writes,
                // The open loop asks for the rate; this is the rate at which the Dutch service answered
                // (below the asked rate, it was saturated; the delays start at its commit, not at the ask).
                achieved_writes_per_s = Math.Round(asked.Achieved),
                refused_calls = asked.Refused,
                runs = runs.Select(r => new { writes_per_s = r.Rate, achieved_writes_per_s = Math.Round(r.Achieved), p50_ms = Math.Round(r.P50, 1), p99_ms = Math.Round(r.P99, 1), r.Writes, refused_calls = r.Refused }),
                knee_writes_per_s = knee,
                relay_events_per_s = Math.Round(relayRate),
                relay_ceiling_events_per_s = Math.Round(ceiling),
                relay_to_ceiling_ratio = Math.Round(relayRate / ceiling, 2),
                peak_rss_mb = Math.Round(Math.Max(nlPeak, bePeak)),
                peak_rss_nl_mb = Math.Round(nlPeak),
                peak_rss_be_mb = Math.Round(bePeak),
                peak_rss_nl_after_relay_mb = Math.Round(peakAfterRelay),
                peak_rss_of = "each agency service's own process (the larger of the two in peak_rss_mb)",
                cpu_replica_runs_nl_s = Math.Round(nlCpu.TotalSeconds, 1),
                cpu_replica_runs_be_s = Math.Round(beCpu.TotalSeconds, 1),
                measured_to = "the record readable in Belgium's replica (PostgreSQL both sides, RabbitMQ quorum queue; the event carries the record, no fetch)",
            }));
            return 0;
        }
        catch (Exception) when (PrintRecentLogs(started))
        {
            throw; // never reached: the filter prints and declines
        }
    }

    /// <summary>A run that failed says why: each service's last log lines, before the exception ends the benchmark.</summary>
    private static bool PrintRecentLogs(List<(string Name, AgencyProcess Service)> services)
    {
        foreach (var (name, service) in services)
        {
            foreach (var line in service.RecentLog.TakeLast(40))
            {
                Console.Error.WriteLine($"  {name} log: {line}");
            }
        }

        return false;
    }

    /// <summary>The two services' databases, read from outside: counting and timing adds no work to either service.</summary>
    private sealed record Databases(string Netherlands, string Belgium)
    {
        public static PostgresAgencyDbContext Open(string connectionString) =>
            new(new DbContextOptionsBuilder<PostgresAgencyDbContext>().UseNpgsql(connectionString).Options);
    }

    /// <summary>
    /// What the broker does here for the relay's own traffic without the relay: the envelope of a
    /// benchmark event, <see cref="Backlog"/> times, from one channel with confirms pipelined (in
    /// batches of the relay's size), to a durable queue of its own (deleted after).
    /// </summary>
    private static async Task<double> MeasureBrokerCeilingAsync()
    {
        const string exchange = "argus.bench-ceiling";
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(TestRabbitMq.Uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new RabbitMQ.Client.CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var queue = $"bench-ceiling-{Guid.NewGuid():N}";
        await channel.ExchangeDeclareAsync(exchange, RabbitMQ.Client.ExchangeType.Direct, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, "nl");
        var now = DateTimeOffset.UtcNow;
        var row = OutboxMessage.For(new ArrestRecorded(Guid.CreateVersion7(), "nl", "operations/bench/arrests/0", 1, "H2", now), "nl", now);
        var route = new MassTransitEnvelope.Route(new RabbitMQ.Client.CachedString(exchange), $"rabbitmq://localhost/{exchange}?type=direct",
            MassTransit.MessageTypeCache.GetMessageTypeNames(typeof(ArrestRecorded)));
        var (body, properties, routingKey) = (MassTransitEnvelope.Write(row, route, "rabbitmq://localhost/bench", DateTime.UtcNow), MassTransitEnvelope.Properties(row, "nl"), new RabbitMQ.Client.CachedString("nl"));
        var clock = Stopwatch.StartNew();
        for (var sent = 0; sent < Backlog; sent += 1000)
        {
            var confirms = new Task[Math.Min(1000, Backlog - sent)];
            for (var i = 0; i < confirms.Length; i++)
            {
                confirms[i] = channel.BasicPublishAsync(route.Exchange, routingKey, mandatory: false, properties, body).AsTask();
            }

            await Task.WhenAll(confirms);
        }

        var rate = Backlog / clock.Elapsed.TotalSeconds;
        await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        await channel.ExchangeDeleteAsync(exchange, ifUnused: false);
        return rate;
    }

    /// <summary>
    /// Writes a backlog straight into the Dutch outbox, wakes the relay with one create (a commit
    /// notifies it), and times until every row is confirmed (to a durable queue, consumed after).
    /// </summary>
    private static async Task<double> MeasureRelayAsync(AgencyClient client, string parent, string database, EventSubscriber subscriber)
    {
        await using (var db = Databases.Open(database))
        {
            var now = DateTimeOffset.UtcNow;
            db.Set<OutboxMessage>().AddRange(Enumerable.Range(0, Backlog - 1).Select(i => OutboxMessage.For(
                new ArrestRecorded(Guid.CreateVersion7(), "nl", $"operations/bench/arrests/{i}", 1, "H2", now), "nl", now)));
            await db.SaveChangesAsync();
        }

        Console.WriteLine($"outbox relay: publishing a backlog of {Backlog:N0} events");
        var clock = Stopwatch.StartNew();
        await client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = parent, Arrest = UnaryBenchmark.NewArrest() });
        while (true)
        {
            await using var db = Databases.Open(database);
            if (!await db.Set<OutboxMessage>().AnyAsync(m => m.PublishTime == null))
            {
                break;
            }

            await Task.Delay(20);
        }

        var rate = Backlog / clock.Elapsed.TotalSeconds;
        // The queue kept every event; only now taken off, so that no consumer of ours shared the
        // cores with the relay while it was timed.
        await subscriber.ConsumeAsync();
        await subscriber.WaitForAsync(received => received.Count >= Backlog, TimeSpan.FromSeconds(60));
        return rate;
    }

    /// <summary>
    /// Open loop: writes at a steady rate whatever the answers do. Delay = when Belgium's copy was
    /// written (stamped just before its commit) − when the Netherlands stamped the record (just
    /// before its commit): both on this machine's clock, read from the databases afterwards, so
    /// measuring adds no load.
    /// </summary>
    private static async Task<(double P50, double P99, int Writes, double Achieved, int Refused)> MeasureReplicaDelayAsync(AgencyClient client, Databases databases, string parent,
        int perSecond, TimeSpan duration)
    {
        var count = (int)(duration.TotalSeconds * perSecond);
        var refusals = new StrongBox<int>();
        var writes = new List<Task<Arrest>>(count);
        var origin = Stopwatch.GetTimestamp();
        using var sampling = new CancellationTokenSource();
        var sampler = SampleAsync(databases, origin, sampling.Token);
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (writes.Count < count)
        {
            await ticks.WaitForNextTickAsync();
            var due = Math.Min(count, (int)(Stopwatch.GetElapsedTime(origin).TotalSeconds * perSecond));
            while (writes.Count < due)
            {
                writes.Add(Task.Run(() => WriteAsync(client, parent, refusals)));
            }
        }

        var written = (await Task.WhenAll(writes)).ToDictionary(a => a.Name, a => a.CreateTime.ToDateTimeOffset());
        var answered = Stopwatch.GetElapsedTime(origin);
        Console.WriteLine($"writes done after {answered.TotalSeconds:N1} s");
        await sampling.CancelAsync();
        await sampler;
        var until = DateTime.UtcNow.AddSeconds(120);
        var arrests = Agency.AgencyRecordKinds.All.Of(typeof(Agency.Arrests.Arrest)).Name;
        Dictionary<string, DateTimeOffset> copies;
        while (true)
        {
            await using var db = Databases.Open(databases.Belgium);
            copies = await db.Set<ForeignRecord>().AsNoTracking().Where(c => c.Kind == arrests).ToDictionaryAsync(c => c.Record, c => c.UpdateTime);
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
        await PrintStagesAsync(databases, written.Values.Min());
        return (delays[delays.Length / 2], delays[Math.Min(delays.Length - 1, (int)(delays.Length * 0.99))], count, count / answered.TotalSeconds, refusals.Value);
    }

    /// <summary>
    /// One write, as a partner system would make it: refused with RESOURCE_EXHAUSTED (the service's
    /// queue of calls is full), it backs off and asks again, with the same request id, so a retry
    /// never makes a second record. The back-off doubles, with jitter, as gRPC's own retry policy
    /// does: a fixed short one had thousands of waiting writes ask ~20,000 times a second, and
    /// answering the refusals took the cores the writes needed.
    /// </summary>
    private static async Task<Arrest> WriteAsync(AgencyClient client, string parent, StrongBox<int> refusals)
    {
        var request = new CreateArrestRequest { Parent = parent, Arrest = UnaryBenchmark.NewArrest(), RequestId = Guid.NewGuid().ToString() };
        var backoff = 100.0;
        while (true)
        {
            try
            {
                // Past the knee the open loop queues writes for longer than the client's default 10 s.
                return (await client.Arrests.CreateArrestAsync(request, deadline: DateTime.UtcNow.AddMinutes(2))).Arrest;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                Interlocked.Increment(ref refusals.Value);
                await Task.Delay(TimeSpan.FromMilliseconds(backoff * (0.5 + Random.Shared.NextDouble())));
                backoff = Math.Min(backoff * 2, 3_000);
            }
        }
    }

    /// <summary>
    /// Where the delay goes, per event for Belgium written since <paramref name="from"/>: from the
    /// outbox row's commit to the relay's mark (after the broker confirmed its batch), and to
    /// Belgium's inbox row (stamped as its batch applied it).
    /// </summary>
    private static async Task PrintStagesAsync(Databases databases, DateTimeOffset from)
    {
        await using var nl = Databases.Open(databases.Netherlands);
        await using var be = Databases.Open(databases.Belgium);
        var rows = await nl.Set<OutboxMessage>().AsNoTracking().Where(m => m.RoutingKey == "be" && m.CreateTime >= from)
            .Select(m => new { m.Sequence, m.MessageId, m.CreateTime, m.PublishTime }).ToListAsync();
        var ids = rows.Select(r => r.MessageId).ToList();
        var applied = await be.Set<InboxMessage>().AsNoTracking().Where(i => ids.Contains(i.MessageId)).ToDictionaryAsync(i => i.MessageId, i => i.ProcessTime);
        static string Quantiles(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? "none" : $"p50 {sorted[sorted.Length / 2]:N0} ms, p99 {sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]:N0} ms";
        }

        // Rows a later row (higher sequence) overtook by more than 50 ms: committed after the relay
        // had read past them, they waited for its rescan.
        var overtaken = new List<double>();
        var earliestLater = DateTimeOffset.MaxValue;
        foreach (var (published, created) in rows.Where(r => r.PublishTime is not null).OrderByDescending(r => r.Sequence).Select(r => (r.PublishTime!.Value, r.CreateTime)))
        {
            if (earliestLater != DateTimeOffset.MaxValue && published > earliestLater.AddMilliseconds(50))
            {
                overtaken.Add((published - created).TotalMilliseconds);
            }

            earliestLater = published < earliestLater ? published : earliestLater;
        }

        Console.WriteLine($"  {overtaken.Count} of them published > 50 ms after a later row: {Quantiles(overtaken)}");
        Console.WriteLine($"  stages of {rows.Count} events for BE: outbox commit → marked published (confirmed) {Quantiles(rows.Where(r => r.PublishTime is not null).Select(r => (r.PublishTime!.Value - r.CreateTime).TotalMilliseconds))}; "
            + $"→ applied in BE's inbox {Quantiles(rows.Where(r => applied.ContainsKey(r.MessageId)).Select(r => (applied[r.MessageId] - r.CreateTime).TotalMilliseconds))}");
    }

    /// <summary>Where the events are while the writes go on: written and published on NL, applied on BE (every 500 ms).</summary>
    private static async Task SampleAsync(Databases databases, long origin, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(500, stop);
                await using var nl = Databases.Open(databases.Netherlands);
                await using var be = Databases.Open(databases.Belgium);
                var outbox = nl.Set<OutboxMessage>().Where(m => m.RoutingKey == "be");
                var total = await outbox.CountAsync(stop);
                var published = await outbox.CountAsync(m => m.PublishTime != null, stop);
                var applied = await be.Set<InboxMessage>().CountAsync(stop);
                Console.WriteLine($"  +{Stopwatch.GetElapsedTime(origin).TotalSeconds:N1} s: NL wrote {total} events for BE, published {published}; BE applied {applied}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
