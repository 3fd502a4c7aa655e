using System.Buffers;
using System.Security.Cryptography;
using Argus.Evidence.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Argus.Client.Evidence;

/// <summary>
/// Uploads and downloads of evidence content as a client does them: the hash computed first, the
/// upload named by a request id derived from item, hash and size (so running the same upload again
/// — after a crash, on another day — resumes it instead of starting over), chunks of 256 KiB from
/// one pooled buffer, and on a cut stream a resume from what the service says it stored.
/// </summary>
public static class EvidenceTransfer
{
    public const int ChunkSize = 256 * 1024;

    /// <summary>The lowercase hex SHA-256 of a file, read once.</summary>
    public static async Task<string> HashAsync(Stream content, CancellationToken cancellationToken = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));

    /// <summary>
    /// Uploads <paramref name="content"/> (seekable) as the content of <paramref name="item"/>;
    /// returns the finished upload. <paramref name="progress"/> gets the bytes stored so far.
    /// </summary>
    /// <param name="attempts">How many times a cut stream is resumed before giving up.</param>
    public static async Task<Upload> UploadAsync(AgencyClient agency, string item, Stream content, string mediaType, string fileName,
        IProgress<long>? progress = null, Metadata? headers = null, int attempts = 5, CancellationToken cancellationToken = default)
    {
        content.Position = 0;
        var sha256 = await HashAsync(content, cancellationToken);
        var upload = (await agency.Content.CreateUploadAsync(new CreateUploadRequest
        {
            Parent = item, Sha256 = sha256, SizeBytes = content.Length, MediaType = mediaType, FileName = fileName,
            RequestId = RequestIdOf(item, sha256, content.Length),
        }, headers, cancellationToken: cancellationToken)).Upload;
        for (var attempt = 1; !upload.Complete; attempt++)
        {
            if (attempt > attempts)
            {
                throw new InvalidOperationException($"The upload of {item} is not complete after {attempts} streams ({upload.CommittedSize} of {upload.SizeBytes} bytes stored); did the file change?");
            }

            try
            {
                await WriteFromAsync(agency, upload, content, progress, headers, cancellationToken: cancellationToken);
            }
            catch (RpcException ex) when (attempt < attempts && ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Cancelled or StatusCode.Aborted
                                          && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }

            upload = (await agency.Content.QueryUploadAsync(new QueryUploadRequest { Upload = upload.Name }, headers, cancellationToken: cancellationToken)).Upload;
        }

        progress?.Report(upload.SizeBytes);
        return upload;
    }

    /// <summary>
    /// One stream of the upload's remaining bytes, from its committed size, ending with finish_write
    /// (or, to test a cut, ending without it at <paramref name="stopAfter"/>).
    /// </summary>
    public static async Task<WriteContentResponse> WriteFromAsync(AgencyClient agency, Upload upload, Stream content, IProgress<long>? progress = null,
        Metadata? headers = null, long stopAfter = long.MaxValue, CancellationToken cancellationToken = default)
    {
        var offset = upload.CommittedSize;
        content.Position = offset;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using var call = agency.Content.WriteContent(headers, cancellationToken: cancellationToken);
            var request = new WriteContentRequest { Upload = upload.Name };
            while (true)
            {
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, (int)Math.Min(ChunkSize, stopAfter - offset)), (int)Math.Min(ChunkSize, stopAfter - offset),
                    throwOnEndOfStream: false, cancellationToken);
                request.WriteOffset = offset;
                // The message is serialized before WriteAsync completes, so the buffer is free again after it.
                request.Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read));
                offset += read;
                request.FinishWrite = offset == upload.SizeBytes;
                try
                {
                    await call.RequestStream.WriteAsync(request, cancellationToken);
                }
                catch (Exception ex) when (ex is RpcException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
                {
                    // The service ended the call (a refusal): its status says why, not the failed write.
                    await call.ResponseAsync;
                    throw;
                }
                progress?.Report(offset);
                if (request.FinishWrite || read == 0 || offset >= stopAfter)
                {
                    break;
                }

                request.Upload = "";
            }

            await call.RequestStream.CompleteAsync();
            return await call.ResponseAsync;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the item's content from <paramref name="offset"/> to <paramref name="output"/>, hashing nothing (the caller checks the file).</summary>
    public static async Task<long> DownloadAsync(AgencyClient agency, string item, Stream output, long offset = 0, IProgress<long>? progress = null,
        Metadata? headers = null, Argus.Common.V1.AgencyCode owner = Argus.Common.V1.AgencyCode.Unspecified, CancellationToken cancellationToken = default)
    {
        using var call = agency.Content.ReadContent(new ReadContentRequest { Name = item, ReadOffset = offset, OwnerAgency = owner }, headers, cancellationToken: cancellationToken);
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            await output.WriteAsync(chunk.Data.Memory, cancellationToken);
            offset += chunk.Data.Length;
            progress?.Report(offset);
        }

        return offset;
    }

    /// <summary>A UUID naming "this file to this item": the same upload, however often it is started.</summary>
    public static string RequestIdOf(string item, string sha256, long size)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{item}\n{sha256}\n{size}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // a name-based UUID (version 5 layout)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }
}
