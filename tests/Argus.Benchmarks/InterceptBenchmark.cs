using System.Diagnostics;
using System.Text.Json;
using Argus.Agency.Intercepts.Messages;
using Argus.Bench.V1;
using Argus.Belgium;
using Argus.Client;
using Argus.Client.Intercepts;
using Argus.Client.Security;
using Argus.Common.V1;
using Argus.Hosting.Persistence;
using Argus.Intercepts.V1;
using Argus.Netherlands;
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
/// Memory: the resident set of this one process — both services and their clients — sampled every
/// 50 ms through the import and the transfer.
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
        await using var nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, dutch,
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}", ImportTimings]);
        await using var be = await RunningAgency.StartAsync(new BelgianJurisdiction(), DatabaseProvider.PostgreSql, identity, belgian,
            own: belgianService, partners: new Dictionary<string, Uri> { ["Nl"] = nl.Address },
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}", $"--Argus:Replica:Queue=argus.be.replica.bench-{Guid.NewGuid():N}", ImportTimings]);
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

            using var memory = new RssSampler();
            var dataset = await DatasetAsync(nl.Client);
            clock.Restart();
            Import import;
            await using (var content = InterceptTransfer.OpenContent(path))
            {
                import = await InterceptTransfer.ImportAsync(nl.Client, dataset, content, Argus.Intercepts.V1.ImportFormat.Ndjson);
            }

            var importSeconds = clock.Elapsed.TotalSeconds;
            var importPeak = memory.PeakMb;
            var importRate = import.Imported / importSeconds;
            Console.WriteLine($"import: {import.Imported:N0} rows in {importSeconds:N1} s = {importRate:N0} rows/s, searchable by handle and time "
                + $"({import.Rejected} rejected, {import.Duplicates} duplicates); {importRate / copyCeiling:N2} × the bare COPY (target ≥ 0.30)");
            clock.Restart();
            while (!(await nl.Client.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).FullTextIndexed)
            {
                await Task.Delay(100);
            }

            var fullTextSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"full-text index (GIN over the decrypted text, in the background after the import): {fullTextSeconds:N1} s");

            var (p50, p99) = await HandleQueriesAsync(nl.Client, dataset, generated, 2_000);
            Console.WriteLine($"handle search (page of 100, newest first, consultation logged before the answer) at {import.Imported:N0} rows: p50 {p50:N2} ms, p99 {p99:N2} ms (target p99 ≤ 20)");

            var streamCeiling = await StreamCeilingAsync(bare, batch, messages);
            Console.WriteLine($"ceiling: bare gRPC stream of the same batches ({batch.Messages.Count} rows each), parsed by the client: {streamCeiling:N0} rows/s");
            await nl.Client.Exchange.ShareRecordAsync(new Exchange.V1.ShareRecordRequest
            {
                Share = new Exchange.V1.Share { Record = dataset, Recipient = AgencyCode.Be, Handling = new Handling { Code = HandlingCode.H2 }, Purpose = "benchmark" },
            });
            await WaitForCopyAsync(be.Client, dataset);
            clock.Restart();
            using (var pull = be.Client.Intercepts.PullDataset(new() { Dataset = dataset }, Justification.Of("benchmark")))
            {
                await foreach (var _ in pull.ResponseStream.ReadAllAsync())
                {
                }
            }

            var transferSeconds = clock.Elapsed.TotalSeconds;
            var transferPeak = memory.PeakMb;
            var held = (await be.Client.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).MessageCount;
            var transferRate = held / transferSeconds;
            Console.WriteLine($"transfer NL → BE: {held:N0} rows in {transferSeconds:N1} s = {transferRate:N0} rows/s, searchable at BE "
                + $"(target ≥ 150,000); {transferRate / streamCeiling:N2} × the bare stream");
            var peak = memory.PeakMb;
            Console.WriteLine($"peak RSS of this process (both services, their database clients and the benchmark's clients): {peak:N0} MB (target < 500); "
                + $"by the end of the import {importPeak:N0} MB, of the transfer {transferPeak:N0} MB, from {memory.StartMb:N0} MB before the import");
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
            }));
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
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
        using var writer = new PostgresCopyWriter(copy);
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

    /// <summary>The process's resident set, sampled every 50 ms while it lives; the largest seen.</summary>
    private sealed class RssSampler : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task sampling;
        private long peak;

        public RssSampler() => sampling = Task.Run(async () =>
        {
            using var self = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                await Task.Delay(50);
            }
        });

        public double PeakMb => Interlocked.Read(ref peak) / 1e6;

        /// <summary>The resident set when sampling began.</summary>
        public double StartMb { get; } = Process.GetCurrentProcess().WorkingSet64 / 1e6;

        public void Dispose()
        {
            stop.Cancel();
            sampling.Wait();
            stop.Dispose();
        }
    }
}
