using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Argus.Bench.V1;
using Argus.Client;
using Argus.Client.Evidence;
using Argus.Client.Security;
using Argus.Common.V1;
using Argus.Evidence.V1;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Operations.V1;
using Argus.Testing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Argus.Benchmarks;

/// <summary>
/// bench.sh evidence: one file (1 GiB by default) uploaded to the Dutch service and downloaded
/// again, in 256 KiB chunks over TLS, against the ceiling measured in the same run with the same
/// client and the same file: a bare byte stream to a service that discards what it receives and
/// sends one buffer again and again. The services' content store is files (SQLite) and, for
/// orientation, the chunk table (PostgreSQL). Memory: the process's resident set, sampled every
/// 50 ms during each transfer, against its size just before.
/// </summary>
internal static class EvidenceBenchmark
{
    public static async Task<int> RunAsync(long size)
    {
        Console.WriteLine($"evidence: {size / (double)(1 << 20):N0} MiB in {EvidenceTransfer.ChunkSize / 1024} KiB chunks over TLS, {Environment.ProcessorCount} cores");
        await using var identity = await RunningIdentity.StartAsync();
        var caller = await identity.RegisterAsync("bench", [ArgusAudiences.Agency("nl")],
            [ArgusScopes.OperationsRead, ArgusScopes.OperationsWrite, ArgusScopes.EvidenceRead, ArgusScopes.EvidenceWrite]);
        await using var echo = await EchoServer.StartAsync();
        await using var files = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, caller);
        await using var database = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, caller);
        using var tokens = new AccessTokenSource(caller);
        using var filesClient = files.ClientFor(caller, tokens);
        using var databaseClient = database.ClientFor(caller, tokens);
        var invoker = ArgusChannel.Create(echo.Address, new ArgusChannelOptions { Credentials = caller }, [], out var echoChannel);
        using var disposeEcho = echoChannel;
        var bare = new ByteStreamService.ByteStreamServiceClient(invoker);

        var path = Path.Combine(Path.GetTempPath(), $"argus-bench-evidence-{Guid.NewGuid():N}.bin");
        try
        {
            await WriteRandomFileAsync(path, size);
            var clock = Stopwatch.StartNew();
            await CachedHashAsync(path);

            var prehashSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"client-side SHA-256 of the file before its upload: {prehashSeconds:N2} s ({size / 1e6 / prehashSeconds:N0} MB/s), not counted in the upload rate");

            // Warm every path once with a small file (JIT, connections, tokens, the stores' folders and tables).
            var warm = Path.Combine(Path.GetTempPath(), $"argus-bench-warm-{Guid.NewGuid():N}.bin");
            await WriteRandomFileAsync(warm, 8L << 20);
            await SinkAsync(bare, warm);
            await SourceAsync(bare, 8L << 20);
            foreach (var client in new[] { filesClient, databaseClient })
            {
                await DownloadAsync(client, await UploadAsync(client, warm));
            }

            File.Delete(warm);

            var ceilingUp = await MeasureAsync("ceiling: bare upload stream", size, () => SinkAsync(bare, path));
            var upload = await MeasureAsync("upload to the service (files)", size, () => UploadAsync(filesClient, path));
            var ceilingDown = await MeasureAsync("ceiling: bare download stream", size, () => SourceAsync(bare, size));
            var download = await MeasureAsync("download from the service (files)", size, () => DownloadAsync(filesClient, upload.Result!));
            var uploadDb = await MeasureAsync("upload to the service (PostgreSQL chunks)", size, () => UploadAsync(databaseClient, path));
            var downloadDb = await MeasureAsync("download from the service (PostgreSQL chunks)", size, () => DownloadAsync(databaseClient, uploadDb.Result!));

            var growth = new[] { upload.RssGrowthMb, download.RssGrowthMb, uploadDb.RssGrowthMb, downloadDb.RssGrowthMb }.Max();
            Console.WriteLine($"upload / ceiling = {upload.MbPerSecond / ceilingUp.MbPerSecond:N2}, download / ceiling = {download.MbPerSecond / ceilingDown.MbPerSecond:N2} (target ≥ 0.60 both); "
                + $"largest RSS growth during a transfer {growth:N0} MB (target < 100)");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "evidence",
                size_mb = Math.Round(size / 1e6),
                chunk_kib = EvidenceTransfer.ChunkSize / 1024,
                tls = true,
                upload_mb_s = Math.Round(upload.MbPerSecond),
                download_mb_s = Math.Round(download.MbPerSecond),
                ceiling_mb_s = Math.Round(ceilingUp.MbPerSecond),
                download_ceiling_mb_s = Math.Round(ceilingDown.MbPerSecond),
                upload_to_ceiling = Math.Round(upload.MbPerSecond / ceilingUp.MbPerSecond, 3),
                download_to_ceiling = Math.Round(download.MbPerSecond / ceilingDown.MbPerSecond, 3),
                upload_postgres_mb_s = Math.Round(uploadDb.MbPerSecond),
                download_postgres_mb_s = Math.Round(downloadDb.MbPerSecond),
                rss_growth_mb = Math.Round(growth),
                rss_of = "the benchmark process: identity server, both Dutch services and the client, in-process",
                client_prehash_s = Math.Round(prehashSeconds, 2),
            }));
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed record Measured<T>(string Name, double MbPerSecond, double RssGrowthMb, T? Result);

    private static async Task<Measured<T>> MeasureAsync<T>(string name, long size, Func<Task<T>> transfer)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var before = self.WorkingSet64;
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var sampled = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                sampled.Refresh();
                peak = Math.Max(peak, sampled.WorkingSet64);
                await Task.Delay(50);
            }
        });
        var clock = Stopwatch.StartNew();
        var result = await transfer();
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await sampler;
        var measured = new Measured<T>(name, size / 1e6 / seconds, (peak - before) / 1e6, result);
        Console.WriteLine($"{name,-48} {measured.MbPerSecond,7:N0} MB/s  ({seconds:N2} s; RSS +{measured.RssGrowthMb:N0} MB)");
        return measured;
    }

    /// <summary>A new item with the file as its content; returns the item's name.</summary>
    private static async Task<string> UploadAsync(AgencyClient client, string path)
    {
        var operation = (await client.Operations.CreateOperationAsync(new CreateOperationRequest { OperationId = "bench-" + Guid.NewGuid().ToString("N")[..10], Operation = UnaryBenchmark.NewOperation() })).Operation.Name;
        var item = (await client.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest
        {
            Parent = operation,
            EvidenceItem = new EvidenceItem
            {
                ExhibitNumber = "BENCH-" + Guid.NewGuid().ToString("N")[..8],
                Category = EvidenceCategory.DigitalData,
                Description = "Server image (benchmark)",
                Quantity = new Quantity { Amount = 1, Unit = QuantityUnit.Piece },
                SeizeTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2021, 3, 9, 6, 0, 0, TimeSpan.Zero)),
                SeizedAt = new Location { Municipality = "Rotterdam", Country = "NL" },
                Status = EvidenceStatus.InStorage,
                Handling = new Handling { Code = HandlingCode.H2 },
            },
        })).EvidenceItem.Name;
        await using var file = File.OpenRead(path);
        // The hash is the file's; computing it is the client's work before the upload, timed apart.
        var sha256 = await CachedHashAsync(path);
        var upload = (await client.Content.CreateUploadAsync(new CreateUploadRequest
        {
            Parent = item, Sha256 = sha256, SizeBytes = file.Length, MediaType = "application/octet-stream", FileName = "image.bin",
        })).Upload;
        var written = await EvidenceTransfer.WriteFromAsync(client, upload, file);
        if (!written.Complete)
        {
            throw new InvalidOperationException("The upload did not complete.");
        }

        return item;
    }

    private static async Task<long> DownloadAsync(AgencyClient client, string item)
    {
        var counting = new CountingStream();
        await EvidenceTransfer.DownloadAsync(client, item, counting);
        return counting.Length;
    }

    private static async Task<long> SinkAsync(ByteStreamService.ByteStreamServiceClient bare, string path)
    {
        await using var file = File.OpenRead(path);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(EvidenceTransfer.ChunkSize);
        try
        {
            using var call = bare.Sink();
            var chunk = new Chunk();
            int read;
            while ((read = await file.ReadAtLeastAsync(buffer.AsMemory(0, EvidenceTransfer.ChunkSize), EvidenceTransfer.ChunkSize, throwOnEndOfStream: false)) > 0)
            {
                chunk.Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read));
                await call.RequestStream.WriteAsync(chunk);
            }

            await call.RequestStream.CompleteAsync();
            return (await call.ResponseAsync).Received;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<long> SourceAsync(ByteStreamService.ByteStreamServiceClient bare, long size)
    {
        var counting = new CountingStream();
        using var call = bare.Source(new SourceRequest { Size = size, ChunkSize = EvidenceTransfer.ChunkSize });
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            await counting.WriteAsync(chunk.Data.Memory);
        }

        return counting.Length;
    }

    private static readonly Dictionary<string, string> Hashes = [];

    private static async Task<string> CachedHashAsync(string path)
    {
        if (!Hashes.TryGetValue(path, out var hash))
        {
            await using var file = File.OpenRead(path);
            Hashes[path] = hash = await EvidenceTransfer.HashAsync(file);
        }

        return hash;
    }

    private static async Task WriteRandomFileAsync(string path, long size)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new byte[1 << 20];
        for (var written = 0L; written < size; written += buffer.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            await file.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - written)));
        }
    }

    /// <summary>Where downloads go: counted, not kept, as the ceiling's are.</summary>
    private sealed class CountingStream : Stream
    {
        private long length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => length;

        public override long Position { get => length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => length += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
