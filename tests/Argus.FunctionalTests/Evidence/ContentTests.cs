using Argus.Belgium;
using Argus.Client;
using Argus.Client.Evidence;
using Argus.Client.Security;
using Argus.Evidence.V1;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Testing;
using Grpc.Core;

namespace Argus.FunctionalTests.Evidence;

/// <summary>
/// Evidence content over real HTTP/2 and TLS, on each database's store (files beside SQLite, the
/// chunk table in PostgreSQL): resume after a cut, a wrong declared hash, concurrent uploads, limits.
/// </summary>
public abstract class ContentTests(AgencyFixture agencies)
{
    private AgencyClient Nl => agencies.Netherlands.Client;

    [Fact]
    public async Task An_upload_cut_off_at_an_arbitrary_offset_resumes_from_what_was_stored_and_the_content_reads_back_whole()
    {
        var item = await PhoneAsync();
        var content = EvidenceExchange.Extraction(2 * EvidenceTransfer.ChunkSize + 77_777, seed: 41);
        var upload = await CreateUploadAsync(item, content);

        // A stream that ends without finishing, part-way through the second chunk.
        var cut = await EvidenceTransfer.WriteFromAsync(Nl, upload, new MemoryStream(content), stopAfter: 300_001);
        Assert.Equal(300_001, cut.CommittedSize);
        Assert.False(cut.Complete);
        Assert.Null((await Nl.Evidence.GetEvidenceItemAsync(new() { Name = item })).EvidenceItem.Content);

        // A stream the client drops mid-transfer (cancelled, not ended): what arrived stays stored.
        upload = (await Nl.Content.QueryUploadAsync(new() { Upload = upload.Name })).Upload;
        using (var cancel = new CancellationTokenSource())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => EvidenceTransfer.WriteFromAsync(Nl, upload, new MemoryStream(content), new SynchronousProgress(sent =>
            {
                if (sent >= 500_000)
                {
                    cancel.Cancel();
                }
            }), cancellationToken: cancel.Token));
        }

        upload = await SettledAsync(upload);
        Assert.InRange(upload.CommittedSize, 300_001, content.Length - 1);

        // Resent from a wrong offset: refused, with the offset to resume at.
        var wrongOffset = await Assert.ThrowsAsync<RpcException>(() => EvidenceTransfer.WriteFromAsync(Nl, upload.Clone().Also(u => u.CommittedSize = 0), new MemoryStream(content)));
        Assert.Equal(StatusCode.FailedPrecondition, wrongOffset.StatusCode);
        Assert.Contains($"resume at {upload.CommittedSize}", wrongOffset.Status.Detail);

        var finished = await EvidenceTransfer.WriteFromAsync(Nl, upload, new MemoryStream(content));
        Assert.True(finished.Complete);
        var stored = (await Nl.Evidence.GetEvidenceItemAsync(new() { Name = item })).EvidenceItem.Content;
        Assert.Equal(EvidenceExchange.Sha256(content), stored.Sha256);
        Assert.Equal(content.Length, stored.SizeBytes);
        Assert.Equal(content, await EvidenceExchange.DownloadAsync(Nl, item));

        // A download resumes from an offset too.
        var tail = new MemoryStream();
        await EvidenceTransfer.DownloadAsync(Nl, item, tail, offset: 123_457);
        Assert.Equal(content.AsSpan(123_457).ToArray(), tail.ToArray());
    }

    [Fact]
    public async Task A_wrong_declared_hash_is_refused_at_finish_the_upload_is_discarded_and_the_item_gets_no_content()
    {
        var item = await PhoneAsync();
        var content = EvidenceExchange.Extraction(400_000, seed: 7);
        var declared = EvidenceExchange.Sha256(EvidenceExchange.Extraction(400_000, seed: 8));
        var upload = (await Nl.Content.CreateUploadAsync(new CreateUploadRequest { Parent = item, Sha256 = declared, SizeBytes = content.Length, MediaType = "application/zip" })).Upload;

        var refused = await Assert.ThrowsAsync<RpcException>(() => EvidenceTransfer.WriteFromAsync(Nl, upload, new MemoryStream(content)));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains($"hashes to {EvidenceExchange.Sha256(content)}, not the declared {declared}", refused.Status.Detail);
        Assert.Null((await Nl.Evidence.GetEvidenceItemAsync(new() { Name = item })).EvidenceItem.Content);
        Assert.Equal(0, (await Nl.Content.QueryUploadAsync(new() { Upload = upload.Name })).Upload.CommittedSize);
        var again = await Assert.ThrowsAsync<RpcException>(() => EvidenceTransfer.WriteFromAsync(Nl, upload, new MemoryStream(content)));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        var read = await Assert.ThrowsAsync<RpcException>(() => EvidenceExchange.DownloadAsync(Nl, item));
        Assert.Equal(StatusCode.FailedPrecondition, read.StatusCode);
    }

    [Fact]
    public async Task Two_uploads_to_one_item_at_once_attach_one_content_and_two_streams_to_one_upload_are_one_too_many()
    {
        var item = await PhoneAsync();
        var first = EvidenceExchange.Extraction(900_000, seed: 1);
        var second = EvidenceExchange.Extraction(900_000, seed: 2);
        // Both uploads are accepted while the item has no content; then both streams run at once, so
        // it is the attach, not the early check at CreateUpload, that decides.
        var firstUpload = await CreateUploadAsync(item, first);
        var secondUpload = await CreateUploadAsync(item, second);
        var results = await Task.WhenAll(
            Attempt(() => EvidenceTransfer.WriteFromAsync(Nl, firstUpload, new MemoryStream(first))),
            Attempt(() => EvidenceTransfer.WriteFromAsync(Nl, secondUpload, new MemoryStream(second))));
        Assert.Single(results, r => r is null);
        var loser = Assert.Single(results, r => r is not null)!;
        Assert.Equal(StatusCode.FailedPrecondition, loser.StatusCode);
        Assert.Contains("never replaced", loser.Status.Detail);
        var attached = (await Nl.Evidence.GetEvidenceItemAsync(new() { Name = item })).EvidenceItem.Content.Sha256;
        Assert.Contains(attached, new[] { EvidenceExchange.Sha256(first), EvidenceExchange.Sha256(second) });
        Assert.Equal(attached == EvidenceExchange.Sha256(first) ? first : second, await EvidenceExchange.DownloadAsync(Nl, item));

        // One upload, two streams: the second is refused while the first holds it, and the first finishes.
        var other = await PhoneAsync();
        var content = EvidenceExchange.Extraction(600_000, seed: 9);
        var upload = await CreateUploadAsync(other, content);
        using var holding = Nl.Content.WriteContent();
        await holding.RequestStream.WriteAsync(new WriteContentRequest { Upload = upload.Name, WriteOffset = 0, Data = Google.Protobuf.ByteString.CopyFrom(content, 0, 100_000) });
        await WaitForCommittedAsync(upload.Name, atLeast: 100_000);
        // The second stream sends one chunk and waits for the answer (a client that kept sending
        // after the refusal can make Kestrel close the connection, and the first stream with it:
        // see the README's evidence limits).
        using (var secondWriter = Nl.Content.WriteContent())
        {
            await secondWriter.RequestStream.WriteAsync(new WriteContentRequest { Upload = upload.Name, WriteOffset = 100_000, Data = Google.Protobuf.ByteString.CopyFrom(content, 100_000, 1_000) });
            var secondStream = await Assert.ThrowsAsync<RpcException>(() => secondWriter.ResponseAsync);
            Assert.Equal(StatusCode.Aborted, secondStream.StatusCode);
        }

        await holding.RequestStream.WriteAsync(new WriteContentRequest { WriteOffset = 100_000, Data = Google.Protobuf.ByteString.CopyFrom(content, 100_000, 500_000), FinishWrite = true });
        await holding.RequestStream.CompleteAsync();
        Assert.True((await holding.ResponseAsync).Complete);
        Assert.Equal(content, await EvidenceExchange.DownloadAsync(Nl, other));
    }

    [Fact]
    public async Task Over_the_size_limit_is_resource_exhausted_and_an_unaccepted_media_type_or_bad_hash_is_invalid()
    {
        var item = await PhoneAsync();
        var tooBig = await Assert.ThrowsAsync<RpcException>(() => Nl.Content.CreateUploadAsync(new CreateUploadRequest
        {
            Parent = item, Sha256 = new string('0', 64), SizeBytes = 65L * 1024 * 1024 * 1024, MediaType = "application/zip",
        }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, tooBig.StatusCode);
        Assert.Contains("Argus:Evidence:MaxContentBytes", tooBig.Status.Detail);

        var invalid = await Assert.ThrowsAsync<RpcException>(() => Nl.Content.CreateUploadAsync(new CreateUploadRequest
        {
            Parent = item, Sha256 = "not-a-hash", SizeBytes = 0, MediaType = "application/x-msdownload", FileName = "../../etc/passwd",
        }).ResponseAsync);
        Assert.Equal(["sha256", "size_bytes", "media_type", "file_name"], Records.ViolatedFields(invalid));

        // More bytes than declared: refused before they are stored.
        var upload = (await Nl.Content.CreateUploadAsync(new CreateUploadRequest { Parent = item, Sha256 = new string('1', 64), SizeBytes = 10, MediaType = "text/plain" })).Upload;
        var overflow = await Assert.ThrowsAsync<RpcException>(() => EvidenceTransfer.WriteFromAsync(Nl, upload, new MemoryStream(new byte[11])));
        Assert.Equal(["data"], Records.ViolatedFields(overflow));
    }

    private async Task<string> PhoneAsync()
    {
        var operation = (await Nl.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest { OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21") })).Operation.Name;
        return (await Nl.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest { Parent = operation, EvidenceItem = Records.Phone("SKY-" + Guid.NewGuid().ToString("N")[..8]) })).EvidenceItem.Name;
    }

    private async Task<Upload> CreateUploadAsync(string item, byte[] content) =>
        (await Nl.Content.CreateUploadAsync(new CreateUploadRequest
        {
            Parent = item, Sha256 = EvidenceExchange.Sha256(content), SizeBytes = content.Length, MediaType = "application/zip", FileName = "extraction.zip",
        })).Upload;

    /// <summary>The upload once the service has stored at least <paramref name="atLeast"/> bytes (a dropped stream is noticed a moment later).</summary>
    private async Task<Upload> WaitForCommittedAsync(string upload, long atLeast)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var current = (await Nl.Content.QueryUploadAsync(new() { Upload = upload })).Upload;
            if (current.CommittedSize >= atLeast || DateTime.UtcNow > until)
            {
                return current;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// The upload once the service is done with a dropped stream: an empty, unfinished stream at the
    /// stored size is refused as Aborted while the dropped one still holds the upload (one writer at
    /// a time), and once it is let in, nothing else is writing and the size is final.
    /// </summary>
    private async Task<Upload> SettledAsync(Upload upload)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var current = (await Nl.Content.QueryUploadAsync(new() { Upload = upload.Name })).Upload;
            try
            {
                using var probe = Nl.Content.WriteContent();
                await probe.RequestStream.WriteAsync(new WriteContentRequest { Upload = upload.Name, WriteOffset = current.CommittedSize });
                await probe.RequestStream.CompleteAsync();
                var response = await probe.ResponseAsync;
                return current.Clone().Also(u => u.CommittedSize = response.CommittedSize);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Aborted or StatusCode.FailedPrecondition && DateTime.UtcNow < until)
            {
                await Task.Delay(20); // still held, or it grew between the query and the probe
            }
        }
    }

    private static async Task<RpcException?> Attempt(Func<Task> upload)
    {
        try
        {
            await upload();
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, too late to cut a stream at a byte count).</summary>
    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

public sealed class ContentOnSqlite(SqliteAgencies agencies) : ContentTests(agencies), IClassFixture<SqliteAgencies>;

public sealed class ContentOnPostgres(PostgresAgencies agencies) : ContentTests(agencies), IClassFixture<PostgresAgencies>;

internal static class UploadTestExtensions
{
    public static Upload Also(this Upload upload, Action<Upload> change)
    {
        change(upload);
        return upload;
    }
}

/// <summary>
/// Two instances of the Dutch service on one PostgreSQL database, as behind one load-balanced
/// address: an upload begun at one resumes at the other, and either serves the content. (The read
/// cache is per process, so instances that share a database run without it.)
/// </summary>
public sealed class ContentAcrossInstancesTests
{
    [Fact]
    public async Task An_upload_begun_at_one_instance_resumes_at_the_other_and_both_serve_the_content()
    {
        await using var identity = await RunningIdentity.StartAsync(DatabaseProvider.PostgreSql);
        var tester = await identity.RegisterAsync("content-tester-nl", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes, agency: "nl");
        var database = await TestPostgres.CreateDatabaseAsync("nl-shared");
        await using var first = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, tester, extraArgs: [$"--Database:ConnectionString={database}", "--Argus:ReadCache:Enabled=false"]);
        await using var second = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, tester, extraArgs: [$"--Database:ConnectionString={database}", "--Argus:ReadCache:Enabled=false"]);

        var operation = (await first.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest { OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21") })).Operation.Name;
        var item = (await first.Client.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest { Parent = operation, EvidenceItem = Records.Phone("SKY-SHARED-1") })).EvidenceItem.Name;
        var content = EvidenceExchange.Extraction(EvidenceTransfer.ChunkSize * 3 + 5, seed: 77);
        var upload = (await first.Client.Content.CreateUploadAsync(new CreateUploadRequest
        {
            Parent = item, Sha256 = EvidenceExchange.Sha256(content), SizeBytes = content.Length, MediaType = "application/zip",
        })).Upload;
        var cut = await EvidenceTransfer.WriteFromAsync(first.Client, upload, new MemoryStream(content), stopAfter: EvidenceTransfer.ChunkSize + 1);
        Assert.False(cut.Complete);

        var resumed = (await second.Client.Content.QueryUploadAsync(new() { Upload = upload.Name })).Upload;
        Assert.Equal(EvidenceTransfer.ChunkSize + 1, resumed.CommittedSize);
        Assert.True((await EvidenceTransfer.WriteFromAsync(second.Client, resumed, new MemoryStream(content))).Complete);

        Assert.Equal(content, await EvidenceExchange.DownloadAsync(first.Client, item));
        Assert.Equal(content, await EvidenceExchange.DownloadAsync(second.Client, item));
        Assert.True((await first.Client.Custody.VerifyEvidenceIntegrityAsync(new() { Parent = item })).Intact);
    }
}
