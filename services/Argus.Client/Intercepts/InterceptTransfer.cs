using System.Buffers;
using System.IO.Compression;
using Argus.Intercepts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Argus.Client.Intercepts;

/// <summary>
/// An import as a client does it: the file (gzip unpacked here, so that a resumed import can skip
/// to the service's committed offset) sent as it is read, in 256 KiB chunks from one pooled buffer;
/// the service parses, counts and names malformed rows. Resuming continues an interrupted import
/// from what the service committed.
/// </summary>
public static class InterceptTransfer
{
    public const int ChunkSize = 256 * 1024;

    /// <summary>How long an import waits for the service to accept its first message before it sends data anyway.</summary>
    private static readonly TimeSpan AcceptanceWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RefusalWait = TimeSpan.FromMilliseconds(100);

    /// <summary>NDJSON for .ndjson/.jsonl/.json, CSV for .csv (each also with .gz); null otherwise.</summary>
    public static ImportFormat? FormatOf(string fileName)
    {
        var name = fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? fileName[..^3] : fileName;
        return Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".ndjson" or ".jsonl" or ".json" => ImportFormat.Ndjson,
            ".csv" => ImportFormat.Csv,
            _ => null,
        };
    }

    /// <summary>The file's content, unpacked when it is gzip (by its first two bytes, not its name).</summary>
    public static Stream OpenContent(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>
    /// Imports <paramref name="content"/> into <paramref name="dataset"/>, or resumes the import named
    /// <paramref name="resume"/> (skipping what it committed). <paramref name="progress"/> gets the
    /// bytes and lines sent so far.
    /// </summary>
    public static async Task<Import> ImportAsync(AgencyClient agency, string dataset, Stream content, ImportFormat format, string? resume = null,
        IProgress<(long Bytes, long Lines)>? progress = null, Metadata? headers = null, CancellationToken cancellationToken = default)
    {
        long offset = 0;
        if (resume is not null)
        {
            var interrupted = (await agency.Intercepts.GetImportAsync(new() { Name = resume }, headers, cancellationToken: cancellationToken)).Import;
            offset = interrupted.CommittedBytes;
            await SkipAsync(content, offset, cancellationToken);
        }

        using var call = agency.Intercepts.ImportMessages(headers, cancellationToken: cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            // The first message names the import and carries no data, and no data follows until the
            // service has accepted it (its response headers): a refusal (no such dataset, an import
            // already running) then comes before any chunk is on its way. A service that does not
            // send them early (an older version) gets the data after a few seconds, as it always did.
            await WriteAsync(new ImportMessagesRequest { Dataset = dataset, Format = resume is null ? format : ImportFormat.Unspecified, Resume = resume ?? "", Offset = offset });
            await AcceptedAsync(call.ResponseHeadersAsync, cancellationToken);
            // A refusal is a response of trailers only: its headers come with the status, and the
            // call completes just after them, not before this line can see it. A moment's wait
            // tells a refusal from an acceptance, which sends its headers and waits for the data.
            if (await Task.WhenAny(call.ResponseAsync, Task.Delay(RefusalWait, cancellationToken)) == call.ResponseAsync)
            {
                return (await call.ResponseAsync).Import; // refused: this throws the service's answer
            }

            long lines = 0;
            while (true)
            {
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken);
                var finish = read < ChunkSize;
                // The message is serialized before WriteAsync returns, so the buffer can be refilled after it.
                await WriteAsync(new ImportMessagesRequest { Offset = offset, Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)), Finish = finish });
                offset += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
                progress?.Report((offset, lines));
                if (finish)
                {
                    break;
                }
            }

            await call.RequestStream.CompleteAsync();
            return (await call.ResponseAsync).Import;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        async Task WriteAsync(ImportMessagesRequest request)
        {
            try
            {
                await call.RequestStream.WriteAsync(request, cancellationToken);
            }
            catch (RpcException) when (!cancellationToken.IsCancellationRequested)
            {
                // The service ended the call (a refusal) while chunks were still going out: its
                // answer says why, the failed write only that the call is over.
                await call.ResponseAsync;
                throw;
            }
        }
    }

    /// <summary>Waits for the service's response headers, at most <see cref="AcceptanceWait"/>; a refusal is left to the response to tell.</summary>
    private static async Task AcceptedAsync(Task<Metadata> headers, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timeout = Task.Delay(AcceptanceWait, wait.Token);
        if (await Task.WhenAny(headers, timeout) == headers)
        {
            await wait.CancelAsync();
            try
            {
                await headers;
            }
            catch (RpcException)
            {
                // refused before any header: the response carries the status
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static async Task SkipAsync(Stream content, long count, CancellationToken cancellationToken)
    {
        if (content.CanSeek)
        {
            content.Seek(count, SeekOrigin.Current);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (count > 0)
            {
                var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(ChunkSize, count)), cancellationToken);
                if (read == 0)
                {
                    throw new InvalidOperationException("The file is shorter than what the interrupted import committed: is it the same file?");
                }

                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
