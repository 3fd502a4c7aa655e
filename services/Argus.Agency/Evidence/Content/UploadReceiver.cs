using System.Security.Cryptography;
using System.Threading.Channels;
using Argus.Hosting.Errors;
using Grpc.Core;
using Proto = Argus.Evidence.V1;

namespace Argus.Agency.Evidence.Content;

/// <summary>
/// One stream of chunks into an open upload: each chunk checked (the same upload, at the stored
/// offset, within the declared size), hashed as it arrives and written by a second loop, so the
/// network and the disk overlap; at most a few chunks wait between them (flat memory). What
/// arrived is written before the stream's outcome is known, so a cut stream resumes after it.
/// </summary>
internal static class UploadReceiver
{
    /// <summary>Receives from <paramref name="first"/> on; true when the stream finished the upload (finish_write).</summary>
    /// <param name="hash">Gets the stored bytes first (a resumed upload's), then every chunk.</param>
    public static async Task<bool> ReceiveAsync(EvidenceUpload upload, IContentWriter writer, IncrementalHash hash, Proto.WriteContentRequest first,
        IAsyncStreamReader<Proto.WriteContentRequest> requestStream, CancellationToken cancellationToken)
    {
        // A resumed upload: the bytes stored so far count towards the hash, read back once.
        await foreach (var chunk in writer.ReadStoredAsync(cancellationToken))
        {
            hash.AppendData(chunk.Span);
        }

        var received = writer.Length;
        var queue = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = WriteQueuedAsync(writer, queue.Reader, abandon);
        try
        {
            var message = first;
            while (true)
            {
                if (message.Upload.Length > 0 && message.Upload != upload.Name)
                {
                    throw FieldErrors.Invalid("upload", "must name the same upload in every message of a stream.");
                }

                if (message.WriteOffset != received)
                {
                    throw new PreconditionFailedException($"write_offset is {message.WriteOffset}, but {received} bytes of {upload.Name} are stored: resume at {received}.");
                }

                if (received + message.Data.Length > upload.SizeBytes)
                {
                    throw FieldErrors.Invalid("data", $"goes past the declared size of {upload.SizeBytes} bytes (at {received + message.Data.Length}).");
                }

                if (!message.Data.IsEmpty)
                {
                    hash.AppendData(message.Data.Span);
                    // Each message owns its bytes: the writer may hold them after the next one arrives.
                    await queue.Writer.WriteAsync(message.Data.Memory, abandon.Token);
                    received += message.Data.Length;
                }

                if (message.FinishWrite)
                {
                    return true;
                }

                if (!await NextAsync(requestStream, cancellationToken))
                {
                    return false;
                }

                message = requestStream.Current;
            }
        }
        catch (OperationCanceledException) when (writing.IsFaulted)
        {
            // The writer failed and stopped the reading: its failure is the one to report (below).
            return false;
        }
        finally
        {
            // What arrived is written before anything else happens: a cut stream resumes after it.
            queue.Writer.TryComplete();
            await writing;
        }
    }

    /// <summary>Appends the queued chunks in order; on a failure stops the reading loop (through <paramref name="abandon"/>) and rethrows.</summary>
    private static async Task WriteQueuedAsync(IContentWriter writer, ChannelReader<ReadOnlyMemory<byte>> queue, CancellationTokenSource abandon)
    {
        await Task.Yield();
        try
        {
            // Not cancelled by the call: what was received is written even when the client goes away.
            await foreach (var data in queue.ReadAllAsync(CancellationToken.None))
            {
                await writer.AppendAsync(data, CancellationToken.None);
            }
        }
        catch
        {
            await abandon.CancelAsync();
            throw;
        }
    }

    /// <summary>The next chunk; a client that reset its stream (gone, or cut off) ends the call as cancelled, not as our failure.</summary>
    public static async Task<bool> NextAsync(IAsyncStreamReader<Proto.WriteContentRequest> requestStream, CancellationToken cancellationToken)
    {
        try
        {
            return await requestStream.MoveNext(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, $"The client ended the stream: {ex.Message}"));
        }
    }
}
