using System.Diagnostics;
using System.Text.Json;
using Argus.Agency.Intercepts.Messages;
using Argus.Bench.V1;
using Argus.Client;
using Argus.Client.Intercepts;
using Argus.Client.Security;
using Argus.Common.V1;
using Argus.Hosting.Persistence;
using Argus.Intercepts.V1;
using Argus.Testing;
using Google.Protobuf;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;

namespace Argus.Benchmarks;

/// <summary>
/// bench.sh intercepts: a synthetic Sky ECC dataset imported into the Dutch service on PostgreSQL
/// (counted until it is searchable by handle and time; the full-text index's build timed on its
/// own), handle searches at that size, and the transfer of the whole dataset to Belgium's service
/// (counted until Belgium can search it). Ceilings in the same run: a bare binary COPY of the same
/// rows into an unindexed table of the same shape, and a bare gRPC stream of the same batches.
/// The two services run as their own processes, as deployed (the identity server and the clients in
/// this one); memory is each service process's peak resident set, as the kernel records it.
/// </summary>
internal static class InterceptBenchmark
{
    private const int CeilingSample = 500_000;

    /// <summary>The services say how long loading and index building took.</summary>
    private const string ImportTimings = "--Logging:LogLevel:Argus.Agency.Intercepts=Information";

    public static async Task<int> RunAsync(long messages)
    {
        Console.WriteLine($"intercepts: {messages:N0} synthetic Sky ECC messages, PostgreSQL, TLS, {Environment.ProcessorCount} cores");
        await using var identity = await RunningIdentity.StartAsync(DatabaseProvider.PostgreSql);
        var dutch = await identity.RegisterAsync("bench-intercepts-nl", [ArgusAudiences.Agency("nl")],
            [ArgusScopes.OperationsRead, ArgusScopes.OperationsWrite, ArgusScopes.InterceptsRead, ArgusScopes.InterceptsWrite, ArgusScopes.Exchange], agency: "nl");
        var belgian = await identity.RegisterAsync("bench-intercepts-be", [ArgusAudiences.Agency("be")],
            [ArgusScopes.InterceptsRead, ArgusScopes.InterceptsWrite, ArgusScopes.Exchange], agency: "be");
        var (_, belgianService) = await identity.RegisterAgencyServiceAsync("argus-be", "be", [ArgusAudiences.Agency("nl")],
            [ArgusScopes.Exchange, ArgusScopes.OperationsRead, ArgusScopes.InterceptsRead]);
        // Each service in its own process, as deployed: the memory measured is one service's, and
        // each has its own runtime, thread pool and collector, as in production.
        string[] common = ["--Database:Provider=PostgreSql", $"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}", ImportTimings];
        var folders = new[] { Directory.CreateTempSubdirectory("argus-bench-nl-").FullName, Directory.CreateTempSubdirectory("argus-bench-be-").FullName };
        await using var nl = await AgencyProcess.StartAsync("Argus.Netherlands", "nl", TestPki.FreePort(), folders[0], identity,
            [.. common, $"--Database:ConnectionString={await TestPostgres.CreateDatabaseAsync("nl")}"]);
        await using var be = await AgencyProcess.StartAsync("Argus.Belgium", "be", TestPki.FreePort(), folders[1], identity,
            [.. common, $"--Database:ConnectionString={await TestPostgres.CreateDatabaseAsync("be")}",
                $"--Argus:Credentials:ClientId={belgianService.ClientId}", $"--Argus:Credentials:CertificatePath={belgianService.Certificate}",
                $"--Argus:Credentials:KeyPath={belgianService.Key}", $"--Argus:Partners:Nl:Address={nl.Address}",
                $"--Argus:Replica:Queue=argus.be.replica.bench-{Guid.NewGuid():N}"]);
        using var dutchTokens = new AccessTokenSource(dutch);
        using var belgianTokens = new AccessTokenSource(belgian);
        using var nlClient = AgencyClient.For(nl.Address, "nl", dutchTokens, dutch);
        using var beClient = AgencyClient.For(be.Address, "be", belgianTokens, belgian);
        await using var echo = await EchoServer.StartAsync();
        var invoker = ArgusChannel.Create(echo.Address, new ArgusChannelOptions { Credentials = dutch }, [], out var echoChannel);
        using var disposeEcho = echoChannel;
        var bare = new ByteStreamService.ByteStreamServiceClient(invoker);

        var generated = new SyntheticSkyEcc(messages, seed: 2021);
        var path = Path.Combine(Path.GetTempPath(), $"argus-bench-skyecc-{Guid.NewGuid():N}.ndjson");
        try
        {
            var clock = Stopwatch.StartNew();
            await using (var file = File.Create(path))
            {
                await generated.WriteNdjsonAsync(file);
            }

            Console.WriteLine($"file: {new FileInfo(path).Length / 1e6:N0} MB of NDJSON written in {clock.Elapsed.TotalSeconds:N1} s (not counted)");
            var (copyCeiling, batch) = await CopyCeilingAsync(path);
            Console.WriteLine($"ceiling: bare binary COPY into an unindexed table of the same shape: {copyCeiling:N0} rows/s ({CeilingSample:N0} rows)");

            var dataset = await DatasetAsync(nlClient);
            var cpu = CpuOf(nl, be);
            clock.Restart();
            Import import;
            await using (var content = InterceptTransfer.OpenContent(path))
            {
                import = await InterceptTransfer.ImportAsync(nlClient, dataset, content, Argus.Intercepts.V1.ImportFormat.Ndjson);
            }

            var importSeconds = clock.Elapsed.TotalSeconds;
            PrintTimings(nl);
            PrintCpu("import", cpu, CpuOf(nl, be), import.Imported);
            var importRate = import.Imported / importSeconds;
            Console.WriteLine($"import: {import.Imported:N0} rows in {importSeconds:N1} s = {importRate:N0} rows/s, searchable by handle and time "
                + $"({import.Rejected} rejected, {import.Duplicates} duplicates); {importRate / copyCeiling:N2} × the bare COPY (target ≥ 0.30)");
            clock.Restart();
            while (!(await nlClient.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).FullTextIndexed)
            {
                await Task.Delay(100);
            }

            var fullTextSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"full-text index (GIN over the decrypted text, in the background after the import): {fullTextSeconds:N1} s");

            var (p50, p99) = await HandleQueriesAsync(nlClient, dataset, generated, 2_000);
            Console.WriteLine($"handle search (page of 100, newest first, consultation logged before the answer) at {import.Imported:N0} rows: p50 {p50:N2} ms, p99 {p99:N2} ms (target p99 ≤ 20)");

            var streamCeiling = await StreamCeilingAsync(bare, batch, messages);
            Console.WriteLine($"ceiling: bare gRPC stream of the same batches ({batch.Messages.Count} rows each), parsed by the client: {streamCeiling:N0} rows/s");
            await nlClient.Exchange.ShareRecordAsync(new Exchange.V1.ShareRecordRequest
            {
                Share = new Exchange.V1.Share { Record = dataset, Recipient = AgencyCode.Be, Handling = new Handling { Code = HandlingCode.H2 }, Purpose = "benchmark" },
            });
            await WaitForCopyAsync(beClient, dataset);
            cpu = CpuOf(nl, be);
            clock.Restart();
            using (var pull = beClient.Intercepts.PullDataset(new() { Dataset = dataset }, Justification.Of("benchmark")))
            {
                await foreach (var _ in pull.ResponseStream.ReadAllAsync())
                {
                }
            }

            var transferSeconds = clock.Elapsed.TotalSeconds;
            PrintTimings(be);
            var held = (await beClient.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).MessageCount;
            PrintCpu("pull", cpu, CpuOf(nl, be), held);
            var transferRate = held / transferSeconds;
            Console.WriteLine($"transfer NL → BE: {held:N0} rows in {transferSeconds:N1} s = {transferRate:N0} rows/s, searchable at BE "
                + $"(target ≥ 150,000); {transferRate / streamCeiling:N2} × the bare stream");
            var (nlPeak, bePeak) = (nl.PeakResidentMb, be.PeakResidentMb);
            var peak = Math.Max(nlPeak, bePeak);
            Console.WriteLine($"peak resident memory of each service's process over its life (target < 500): the Dutch service {nlPeak:N0} MB "
                + $"(imported, indexed, searched and streamed), the Belgian service {bePeak:N0} MB (pulled and indexed)");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "intercepts",
                messages,
                import_rows_s = Math.Round(importRate),
                copy_ceiling_rows_s = Math.Round(copyCeiling),
                import_to_ceiling = Math.Round(importRate / copyCeiling, 3),
                fulltext_index_s = Math.Round(fullTextSeconds, 1),
                transfer_rows_s = Math.Round(transferRate),
                stream_ceiling_rows_s = Math.Round(streamCeiling),
                query_p50_ms = Math.Round(p50, 2),
                query_p99_ms = Math.Round(p99, 2),
                peak_rss_mb = Math.Round(peak),
                peak_rss_nl_mb = Math.Round(nlPeak),
                peak_rss_be_mb = Math.Round(bePeak),
            }));
            return 0;
        }
        finally
        {
            File.Delete(path);
            foreach (var folder in folders)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>What the service said about its load: how long the rows and the indexes took.</summary>
    private static void PrintTimings(AgencyProcess service)
    {
        foreach (var line in service.RecentLog.Where(l => l.Contains(" loaded in ", StringComparison.Ordinal)).TakeLast(1))
        {
            Console.WriteLine($"  {service.Address.Port}: {line.Trim()}");
        }
    }

    private static (TimeSpan Nl, TimeSpan Be, TimeSpan Postgres) CpuOf(AgencyProcess nl, AgencyProcess be) => (nl.ProcessorTime, be.ProcessorTime, PostgresCpu());

    /// <summary>Each service's and PostgreSQL's CPU time over a phase, whatever else the machine did meanwhile: what a row costs each.</summary>
    private static void PrintCpu(string phase, (TimeSpan Nl, TimeSpan Be, TimeSpan Postgres) before, (TimeSpan Nl, TimeSpan Be, TimeSpan Postgres) after, long rows)
    {
        var (nl, be, postgres) = (after.Nl - before.Nl, after.Be - before.Be, after.Postgres - before.Postgres);
        Console.WriteLine($"CPU during the {phase}: the Dutch service {nl.TotalSeconds:N1} s ({nl.TotalMicroseconds / rows:N1} µs a row), "
            + $"the Belgian service {be.TotalSeconds:N1} s ({be.TotalMicroseconds / rows:N1} µs a row), "
            + $"PostgreSQL {postgres.TotalSeconds:N1} s ({postgres.TotalMicroseconds / rows:N1} µs a row)");
    }

    /// <summary>
    /// The CPU time of the benchmark's PostgreSQL server: its postmaster (with the backends that
    /// have ended, which it reaped) and the processes it runs now; zero where that cannot be read.
    /// </summary>
    private static TimeSpan PostgresCpu()
    {
        var data = Environment.GetEnvironmentVariable("ARGUS_PG_DIR") is { } dir ? Path.Combine(dir, "data", "postmaster.pid") : null;
        if (data is null || !File.Exists(data) || !int.TryParse(File.ReadLines(data).First(), out var postmaster))
        {
            return TimeSpan.Zero;
        }

        // /proc/PID/stat after the command's closing parenthesis: state, ppid, … utime (14), stime, cutime, cstime, in ticks of 1/100 s.
        static string[] Fields(string stat)
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }

        long ticks = 0;
        foreach (var stat in Directory.EnumerateDirectories("/proc").Where(d => char.IsAsciiDigit(Path.GetFileName(d)[0])).Select(d => Path.Combine(d, "stat")))
        {
            try
            {
                var pid = int.Parse(Path.GetFileName(Path.GetDirectoryName(stat))!, System.Globalization.CultureInfo.InvariantCulture);
                var fields = Fields(stat);
                if (pid != postmaster && fields[1] != postmaster.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    continue;
                }

                var counted = pid == postmaster ? fields[11..15] : fields[11..13];
                ticks += counted.Sum(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // the process ended meanwhile: its time is its parent's now
            }
        }

        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>
    /// COPY of the file's first rows, parsed beforehand, into a plain table with the columns of a
    /// dataset's partition; also returns a batch of them as the owner's stream would send it.
    /// </summary>
    private static async Task<(double RowsPerSecond, StreamSharedMessagesResponse Batch)> CopyCeilingAsync(string path)
    {
        var parser = MessageLineParser.Ndjson();
        var rows = new List<MessageRow>(CeilingSample);
        foreach (var line in File.ReadLines(path).Take(CeilingSample))
        {
            rows.Add(parser.Parse(System.Text.Encoding.UTF8.GetBytes(line), out _)!);
        }

        var batch = new StreamSharedMessagesResponse();
        foreach (var row in rows.Take(DatasetPull.DefaultBatchSize))
        {
            batch.Messages.Add(new InterceptedMessage
            {
                MessageId = row.MessageId, SentTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(row.SentTime), Sender = row.Sender,
                Recipient = row.Recipient, SenderDevice = row.SenderDevice ?? "", RecipientDevice = row.RecipientDevice ?? "", Decrypted = row.Decrypted, Text = row.Text ?? "",
            });
        }

        await using var source = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("intercepts-ceiling"));
        await using (var create = source.CreateCommand("""
            CREATE TABLE raw_messages (dataset_key bigint NOT NULL, sequence bigint NOT NULL, source_id text NOT NULL, sent_time timestamptz NOT NULL,
              sender text NOT NULL, recipient text NOT NULL, sender_device text, recipient_device text, decrypted boolean NOT NULL, body text,
              attachments text, import_key bigint NOT NULL)
            """))
        {
            await create.ExecuteNonQueryAsync();
        }

        // The fastest of two ways to write: the driver's importer with synchronous calls, and rows
        // encoded by the service's own encoder into a raw COPY stream (the store's way).
        var importer = await TimedCopyAsync(source, rows, Importer);
        var encoded = await TimedCopyAsync(source, rows, Encoded);
        Console.WriteLine($"bare COPY: the driver's importer {importer:N0} rows/s, rows encoded into a raw COPY stream {encoded:N0} rows/s");
        var rate = Math.Max(importer, encoded);
        await using (var drop = source.CreateCommand("DROP TABLE raw_messages"))
        {
            // Else the autovacuum of its million inserted rows lands in a measured phase.
            await drop.ExecuteNonQueryAsync();
        }

        rows.Clear();
        rows.TrimExcess();
        // Give the sample's memory back to the system, so the resident set measured later is the services'.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return (rate, batch);

    }

    private static async Task<double> TimedCopyAsync(NpgsqlDataSource source, List<MessageRow> rows, Func<NpgsqlConnection, List<MessageRow>, Task> copy)
    {
        await using (var truncate = source.CreateCommand("TRUNCATE raw_messages"))
        {
            await truncate.ExecuteNonQueryAsync();
        }

        await using var connection = await source.OpenConnectionAsync();
        var clock = Stopwatch.StartNew();
        await copy(connection, rows);
        return rows.Count / clock.Elapsed.TotalSeconds;
    }

    private static async Task Importer(NpgsqlConnection connection, List<MessageRow> rows)
    {
        await using var copy = await connection.BeginBinaryImportAsync("COPY raw_messages FROM STDIN (FORMAT BINARY)");
        long sequence = 0;
        foreach (var row in rows)
        {
            copy.StartRow();
            copy.Write(1L, NpgsqlDbType.Bigint);
            copy.Write(++sequence, NpgsqlDbType.Bigint);
            copy.Write(row.MessageId, NpgsqlDbType.Text);
            copy.Write(row.SentTime.UtcDateTime, NpgsqlDbType.TimestampTz);
            copy.Write(row.Sender, NpgsqlDbType.Text);
            copy.Write(row.Recipient, NpgsqlDbType.Text);
            Text(copy, row.SenderDevice);
            Text(copy, row.RecipientDevice);
            copy.Write(row.Decrypted, NpgsqlDbType.Boolean);
            Text(copy, row.Text);
            Text(copy, row.Attachments);
            copy.Write(1L, NpgsqlDbType.Bigint);
        }

        await copy.CompleteAsync();

        static void Text(NpgsqlBinaryImporter copy, string? value)
        {
            if (value is null)
            {
                copy.WriteNull();
            }
            else
            {
                copy.Write(value, NpgsqlDbType.Text);
            }
        }
    }

    private static async Task Encoded(NpgsqlConnection connection, List<MessageRow> rows)
    {
        await using var copy = await connection.BeginRawBinaryCopyAsync("COPY raw_messages FROM STDIN (FORMAT BINARY)");
        using var writer = new PostgresCopyWriter(through: copy);
        long sequence = 0;
        foreach (var row in rows)
        {
            writer.StartRow(12);
            writer.Bigint(1);
            writer.Bigint(++sequence);
            writer.Text(row.MessageId);
            writer.Timestamptz(row.SentTime);
            writer.Text(row.Sender);
            writer.Text(row.Recipient);
            writer.Text(row.SenderDevice);
            writer.Text(row.RecipientDevice);
            writer.Bool(row.Decrypted);
            writer.Text(row.Text);
            writer.Text(row.Attachments);
            writer.Bigint(1);
        }

        writer.Complete();
    }

    private static async Task<double> StreamCeilingAsync(ByteStreamService.ByteStreamServiceClient bare, StreamSharedMessagesResponse batch, long messages)
    {
        var count = Math.Max(1, messages / batch.Messages.Count);
        var clock = Stopwatch.StartNew();
        long rows = 0;
        using var call = bare.Replay(new ReplayRequest { Chunk = batch.ToByteString(), Count = count });
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            rows += StreamSharedMessagesResponse.Parser.ParseFrom(chunk.Data).Messages.Count;
        }

        return rows / clock.Elapsed.TotalSeconds;
    }

    private static async Task<(double P50, double P99)> HandleQueriesAsync(AgencyClient nl, string dataset, SyntheticSkyEcc generated, int count)
    {
        var random = new Random(7);
        var latencies = new List<double>(count);
        for (var i = 0; i < count + 200; i++)
        {
            var handle = generated.Accounts[random.Next(generated.Accounts.Count)];
            var clock = Stopwatch.StartNew();
            await nl.Intercepts.SearchMessagesAsync(new() { Dataset = dataset, Handle = handle, PageSize = 100 });
            if (i >= 200)
            {
                latencies.Add(clock.Elapsed.TotalMilliseconds); // the first 200 warm the path
            }
        }

        latencies.Sort();
        return (latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)]);
    }

    private static async Task<string> DatasetAsync(AgencyClient nl)
    {
        var operation = (await nl.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = "bench-" + Guid.NewGuid().ToString("N")[..8], Operation = UnaryBenchmark.NewOperation(),
        })).Operation.Name;
        return (await nl.InterceptDatasets.CreateInterceptDatasetAsync(new CreateInterceptDatasetRequest
        {
            Parent = operation,
            InterceptDataset = new InterceptDataset
            {
                Source = "Sky ECC server copy (synthetic, benchmark)", AuthorisationReference = "bench",
                AuthorisedFrom = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(SyntheticSkyEcc.Start),
                AuthorisedUntil = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(SyntheticSkyEcc.End),
                Handling = new Handling { Code = HandlingCode.H2 },
            },
        })).InterceptDataset.Name;
    }

    private static async Task WaitForCopyAsync(AgencyClient be, string dataset)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await be.Replica.GetForeignRecordAsync(new() { Name = $"partners/nl/{dataset}" });
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }
}
