using System.Buffers;
using System.Runtime.CompilerServices;
using Argus.Hosting.Errors;

namespace Argus.Agency.Evidence.Content;

/// <summary>
/// Content as files under one folder (by default "evidence" in the service's data folder):
/// uploads/{id}.part while they arrive, then sha256/{first two hex digits}/{hex}, read-only.
/// For one instance of the service (SQLite); several instances need the database store.
/// </summary>
public sealed class FileContentStore(string root) : IContentStore
{
    public Task<long> LengthAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? file.Length : 0);
    }

    public Task<IContentWriter> OpenWriterAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // FileShare.None takes an exclusive lock: one writer per upload, even across processes.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            stream.Seek(0, SeekOrigin.End);
            return Task.FromResult<IContentWriter>(new Writer(stream));
        }
        catch (IOException ex) when (ex.HResult is SharingViolation or LockHeld)
        {
            throw new ConcurrentChangeException("Another stream is writing this upload now; one writer at a time.");
        }
    }

    public async Task CommitAsync(string uploadKey, string sha256, CancellationToken cancellationToken)
    {
        var target = PathOf(ContentKeys.Content(sha256));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // Stored already (content-addressed, once) — unless the stored copy no longer hashes to its
        // name: then the fresh, verified bytes replace it.
        if (File.Exists(target) && await ((IContentStore)this).HashAsync(sha256, cancellationToken) == sha256)
        {
            File.Delete(PathOf(uploadKey));
            return;
        }

        if (File.Exists(target))
        {
            File.SetAttributes(target, FileAttributes.Normal);
        }

        // Atomic on one file system; a concurrent commit of the same content writes the same bytes.
        File.Move(PathOf(uploadKey), target, overwrite: true);
        File.SetAttributes(target, FileAttributes.ReadOnly);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            File.SetAttributes(path, FileAttributes.Normal);
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> StoredContentAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = Path.Combine(root, "sha256");
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Path.GetFileName(file);
        }

        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string key, long offset, long limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            yield break;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await foreach (var chunk in ReadAsync(handle, offset, limit, cancellationToken))
        {
            yield return chunk;
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, long limit,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ContentKeys.ChunkSize);
        try
        {
            var end = Math.Min(RandomAccess.GetLength(handle), offset + Math.Min(limit, long.MaxValue - offset));
            for (var position = offset; position < end;)
            {
                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, (int)Math.Min(ContentKeys.ChunkSize, end - position)), position, cancellationToken);
                if (read == 0)
                {
                    yield break;
                }

                position += read;
                yield return buffer.AsMemory(0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // What .NET reports when another handle holds the file with FileShare.None: ERROR_SHARING_VIOLATION
    // on Windows, the errno of the refused lock (EWOULDBLOCK) on Linux.
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int LockHeld = 11;

    private string PathOf(string key)
    {
        var parts = key.Split('/');
        return parts switch
        {
            ["uploads", var id] when IsSafe(id) => Path.Combine(root, "uploads", id + ".part"),
            ["sha256", var hex] when hex.Length == 64 && IsSafe(hex) => Path.Combine(root, "sha256", hex[..2], hex),
            _ => throw new ArgumentException($"Not a content key: {key}", nameof(key)),
        };
    }

    private static bool IsSafe(string segment) => segment.Length is > 0 and <= 100 && segment.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private sealed class Writer(FileStream stream) : IContentWriter
    {
        private readonly long stored = stream.Length;

        public long Length => stream.Length;

        public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadStoredAsync(CancellationToken cancellationToken) =>
            ReadAsync(stream.SafeFileHandle, 0, stored, cancellationToken);

        public ValueTask AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => stream.WriteAsync(data, cancellationToken);

        public Task FlushAsync(CancellationToken cancellationToken)
        {
            stream.Flush(flushToDisk: true);
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            if (stream.SafeFileHandle.IsClosed)
            {
                return;
            }

            // A stream cut off keeps what arrived, on disk, for the resume.
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync();
        }
    }
}
