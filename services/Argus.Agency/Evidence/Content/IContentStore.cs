namespace Argus.Agency.Evidence.Content;

/// <summary>
/// Where evidence content lives: uploads in progress under "uploads/{id}", finished content
/// content-addressed under "sha256/{hex}" (the same file twice is stored once). Files in the data
/// folder with SQLite (<see cref="FileContentStore"/>); a chunk table in the database with
/// PostgreSQL (<see cref="PostgresContentStore"/>), so that every instance of the service behind
/// one address serves the same content. Nothing is ever held whole in memory: bytes move in
/// chunks through pooled buffers.
/// </summary>
public interface IContentStore
{
    /// <summary>How many bytes of the upload are stored (0 when none).</summary>
    Task<long> LengthAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the upload for appending at its end, for one writer at a time: a second writer at
    /// once gets <see cref="Argus.Hosting.Errors.ConcurrentChangeException"/>.
    /// </summary>
    Task<IContentWriter> OpenWriterAsync(string key, CancellationToken cancellationToken);

    /// <summary>Makes a finished upload the content <paramref name="sha256"/> (or drops it, when that content is stored already).</summary>
    Task CommitAsync(string uploadKey, string sha256, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>The SHA-256 of every finished content stored, for the janitor.</summary>
    IAsyncEnumerable<string> StoredContentAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The bytes of <paramref name="key"/> from <paramref name="offset"/>, at most <paramref name="limit"/>
    /// of them, in chunks. Each chunk is valid until the next is asked for (its buffer is reused).
    /// </summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string key, long offset, long limit, CancellationToken cancellationToken);

    /// <summary>What the stored content <paramref name="sha256"/> hashes to now (a flipped bit shows here), or null when it is missing.</summary>
    async Task<string?> HashAsync(string sha256, CancellationToken cancellationToken)
    {
        var key = ContentKeys.Content(sha256);
        if (await LengthAsync(key, cancellationToken) == 0)
        {
            return null;
        }

        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        await foreach (var chunk in ReadAsync(key, 0, long.MaxValue, cancellationToken))
        {
            hash.AppendData(chunk.Span);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>An open upload: appends, and makes what it appended durable.</summary>
public interface IContentWriter : IAsyncDisposable
{
    /// <summary>Bytes stored, including what this writer appended.</summary>
    long Length { get; }

    ValueTask AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>The bytes stored before this writer opened (a resumed upload's, to hash them again), in chunks.</summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> ReadStoredAsync(CancellationToken cancellationToken);

    /// <summary>Everything appended survives a crash once this completes.</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}

public static class ContentKeys
{
    public static string Upload(string id) => $"uploads/{id}";

    public static string Content(string sha256) => $"sha256/{sha256}";

    /// <summary>The chunk size content is read in, and the size a client should write in.</summary>
    public const int ChunkSize = Argus.Client.Evidence.EvidenceTransfer.ChunkSize;
}
