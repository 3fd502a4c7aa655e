using System.Buffers;
using System.Data;
using System.Runtime.CompilerServices;
using Argus.Hosting.Errors;
using Npgsql;
using NpgsqlTypes;

namespace Argus.Agency.Evidence.Content;

/// <summary>
/// Content in the database, as rows of up to 256 KiB ("EvidenceContentChunks": key, offset,
/// length, bytes), so that every instance of the service sees the same content. An upload's rows
/// are renamed to the content's key when it is finished; each chunk is its own committed insert,
/// so what was acknowledged survives a crash. One writer per upload across instances: an advisory
/// lock on the upload's key, held for the stream.
/// </summary>
public sealed class PostgresContentStore(NpgsqlDataSource database) : IContentStore
{
    private const string LengthQuery = """SELECT coalesce(max("Offset" + "Length"), 0) FROM "EvidenceContentChunks" WHERE "Key" = $1""";

    public async Task<long> LengthAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(LengthQuery);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IContentWriter> OpenWriterAsync(string key, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection))
            {
                lockCommand.Parameters.Add(new NpgsqlParameter { Value = key });
                if (!(bool)(await lockCommand.ExecuteScalarAsync(cancellationToken))!)
                {
                    throw new ConcurrentChangeException("Another stream is writing this upload now; one writer at a time.");
                }
            }

            await using var length = new NpgsqlCommand(LengthQuery, connection);
            length.Parameters.Add(new NpgsqlParameter { Value = key });
            return new Writer(this, connection, key, (long)(await length.ExecuteScalarAsync(cancellationToken))!);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task CommitAsync(string uploadKey, string sha256, CancellationToken cancellationToken)
    {
        var contentKey = ContentKeys.Content(sha256);
        // Stored already (content-addressed, once) — unless the stored rows no longer hash to their
        // name: then the fresh, verified rows replace them.
        var intact = await LengthAsync(contentKey, cancellationToken) > 0 && await ((IContentStore)this).HashAsync(sha256, cancellationToken) == sha256;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            if (intact)
            {
                await ExecuteAsync("""DELETE FROM "EvidenceContentChunks" WHERE "Key" = $1""", uploadKey);
            }
            else
            {
                await ExecuteAsync("""DELETE FROM "EvidenceContentChunks" WHERE "Key" = $1""", contentKey);
                await ExecuteAsync("""UPDATE "EvidenceContentChunks" SET "Key" = $2 WHERE "Key" = $1""", uploadKey, contentKey);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A concurrent commit of the same content won: it is stored; this upload's rows go.
            await transaction.RollbackAsync(CancellationToken.None);
            await DeleteAsync(uploadKey, CancellationToken.None);
        }

        async Task ExecuteAsync(string sql, params string[] values)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            foreach (var value in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""DELETE FROM "EvidenceContentChunks" WHERE "Key" = $1""");
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async IAsyncEnumerable<string> StoredContentAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Each content's first chunk: one row per content, from the primary key.
        await using var command = database.CreateCommand("""SELECT "Key" FROM "EvidenceContentChunks" WHERE "Key" LIKE 'sha256/%' AND "Offset" = 0""");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return reader.GetString(0)["sha256/".Length..];
        }
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string key, long offset, long limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var end = offset + Math.Min(limit, long.MaxValue - offset);
        await using var command = database.CreateCommand("""
            SELECT "Offset", "Data" FROM "EvidenceContentChunks"
            WHERE "Key" = $1 AND "Offset" + "Length" > $2 AND "Offset" < $3 ORDER BY "Offset"
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = offset });
        command.Parameters.Add(new NpgsqlParameter { Value = end });
        // Sequential access streams each row's bytes into our buffer instead of buffering the row.
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(ContentKeys.ChunkSize);
        try
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var chunkOffset = reader.GetInt64(0);
                var skip = Math.Max(0, offset - chunkOffset);
                await using var data = await reader.GetStreamAsync(1, cancellationToken);
                var position = 0L;
                int read;
                while ((read = await data.ReadAsync(buffer.AsMemory(0, ContentKeys.ChunkSize), cancellationToken)) > 0)
                {
                    var from = (int)Math.Clamp(skip - position, 0, read);
                    var to = (int)Math.Clamp(end - chunkOffset - position, 0, read);
                    position += read;
                    if (to > from)
                    {
                        yield return buffer.AsMemory(from, to - from);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class Writer(PostgresContentStore store, NpgsqlConnection connection, string key, long length) : IContentWriter
    {
        private readonly NpgsqlCommand insert = CreateInsert(connection, key);
        private readonly long stored = length;

        public long Length { get; private set; } = length;

        // The advisory lock keeps other writers out; reading on another connection is safe.
        public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadStoredAsync(CancellationToken cancellationToken) => store.ReadAsync(key, 0, stored, cancellationToken);

        public async ValueTask AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            insert.Parameters[1].Value = Length;
            insert.Parameters[2].Value = data.Length;
            ((NpgsqlParameter<ReadOnlyMemory<byte>>)insert.Parameters[3]).TypedValue = data;
            await insert.ExecuteNonQueryAsync(cancellationToken);
            Length += data.Length;
        }

        public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask; // each insert is committed

        private bool disposed;

        public async ValueTask DisposeAsync()
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            await insert.DisposeAsync();
            try
            {
                // Released now: a pooled connection outlives this writer, and a resume may come at once.
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", connection);
                unlock.Parameters.Add(new NpgsqlParameter { Value = key });
                await unlock.ExecuteScalarAsync();
            }
            catch (NpgsqlException)
            {
                // The connection broke: its session, and the lock with it, ended on the server.
            }

            await connection.DisposeAsync();
        }

        private static NpgsqlCommand CreateInsert(NpgsqlConnection connection, string key)
        {
            var command = new NpgsqlCommand("""INSERT INTO "EvidenceContentChunks" ("Key", "Offset", "Length", "Data") VALUES ($1, $2, $3, $4)""", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea });
            return command;
        }
    }
}
