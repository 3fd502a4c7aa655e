using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Argus.Agency.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>A search's criteria, already checked; <see cref="After"/> is the keyset position to continue from.</summary>
public sealed record MessageQuery(
    string? Handle, string? Counterpart, DateTimeOffset? From, DateTimeOffset? Until, string? Text, bool NewestFirst, (DateTimeOffset Time, long Sequence)? After);

/// <summary>
/// The bulk tables of intercepted messages, beside EF (which maps the records, not millions of
/// rows): each database's own fast path to write (PostgreSQL binary COPY into a partition per
/// dataset, indexes built after a first load; SQLite prepared inserts in large transactions) and
/// plain SQL to read. Works on the request's <see cref="AgencyDbContext"/> connection and its
/// transaction, so rows commit with the import's progress. The SQL the two share is here; each
/// subclass says how it names a dataset's rows, times and full text.
/// </summary>
public abstract class MessageStore(AgencyDbContext db)
{
    protected const string Columns = "sequence, source_id, sent_time, sender, recipient, sender_device, recipient_device, decrypted, body, attachments";

    protected AgencyDbContext Db => db;

    public static MessageStore For(AgencyDbContext db) => db.Database.IsNpgsql() ? new PostgresMessageStore(db) : new SqliteMessageStore(db);

    /// <summary>Makes room for a dataset's rows (a partition with PostgreSQL).</summary>
    public abstract Task CreateAsync(long key, CancellationToken cancellationToken);

    /// <summary>A first load has ended (indexed, or rolled back): the database may maintain the dataset's rows as any others.</summary>
    public virtual Task LoadEndedAsync(long key, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Removes every row of the dataset.</summary>
    public abstract Task DropAsync(long key, CancellationToken cancellationToken);

    /// <summary>An empty batch of rows for dataset <paramref name="key"/>, written as import <paramref name="importKey"/>'s (0: a partner's copy).</summary>
    public abstract MessageBatch NewBatch(long key, long importKey);

    /// <summary>
    /// Writes <paramref name="batch"/> in the open transaction. Rows whose message id the dataset
    /// already holds are not written where the indexes exist to tell; on a first load they are
    /// found by <see cref="BuildIndexesAsync"/>.
    /// </summary>
    /// <returns>How many rows were written.</returns>
    public abstract Task<int> WriteAsync(MessageBatch batch, bool indexed, CancellationToken cancellationToken);

    /// <summary>
    /// After a first load: builds the indexes searches use (handles and time) and, when
    /// <paramref name="unique"/>, the unique index of message ids, removing duplicates (keeping the
    /// first) if it finds any. Without it, <see cref="BuildUniqueIndexAsync"/> must follow before
    /// the dataset is written again.
    /// </summary>
    /// <returns>How many duplicates were removed.</returns>
    public abstract Task<long> BuildIndexesAsync(long key, bool unique, CancellationToken cancellationToken);

    /// <summary>
    /// The unique index of message ids, if it is not there yet (removing duplicates first, keeping
    /// the first of each): what a write into an indexed dataset skips known messages by. One build
    /// at a time per dataset, whoever asks (the background indexer, a new pull, another instance).
    /// </summary>
    /// <returns>How many duplicates were removed.</returns>
    public abstract Task<long> BuildUniqueIndexAsync(long key, CancellationToken cancellationToken);

    /// <summary>Whether the full-text index is kept as rows are written (SQLite's FTS5), so that nothing is left to build.</summary>
    public abstract bool FullTextKeptAsRowsArrive { get; }

    /// <summary>Builds the full-text index over the decrypted text (a separate step: it is the slowest).</summary>
    public abstract Task BuildFullTextIndexAsync(long key, CancellationToken cancellationToken);

    /// <summary>Removes the rows an import added.</summary>
    public Task<int> DeleteImportAsync(long key, long importKey, CancellationToken cancellationToken) =>
        DeleteWhereAsync(key, "import_key = @import", [("import", importKey)], cancellationToken);

    /// <summary>Removes the rows outside <paramref name="subset"/> (a narrowed share).</summary>
    public Task<int> DeleteOutsideAsync(long key, MessageSubset subset, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, object)>();
        var inside = SubsetCondition(subset, parameters);
        return inside is null ? Task.FromResult(0) : DeleteWhereAsync(key, $"NOT ({inside})", parameters, cancellationToken);
    }

    protected abstract Task<int> DeleteWhereAsync(long key, string condition, IReadOnlyList<(string Name, object Value)> parameters, CancellationToken cancellationToken);

    public async Task<List<MessageRow>> SearchAsync(long key, MessageQuery query, int limit, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, object)> { ("limit", limit) };
        var where = new List<string>();
        if (query.Handle is { } handle)
        {
            parameters.Add(("handle", handle));
            if (query.Counterpart is { } counterpart)
            {
                parameters.Add(("counterpart", counterpart));
                where.Add("((sender = @handle AND recipient = @counterpart) OR (sender = @counterpart AND recipient = @handle))");
            }
            else
            {
                where.Add("(sender = @handle OR recipient = @handle)");
            }
        }

        if (query.From is { } from)
        {
            parameters.Add(("from", TimeValue(from)));
            where.Add("sent_time >= @from");
        }

        if (query.Until is { } until)
        {
            parameters.Add(("until", TimeValue(until)));
            where.Add("sent_time < @until");
        }

        if (query.Text is { } text)
        {
            where.Add(TextCondition(text, parameters));
        }

        if (query.After is { } after)
        {
            parameters.Add(("after_time", TimeValue(after.Time)));
            parameters.Add(("after_sequence", after.Sequence));
            where.Add(query.NewestFirst ? "(sent_time, sequence) < (@after_time, @after_sequence)" : "(sent_time, sequence) > (@after_time, @after_sequence)");
        }

        var direction = query.NewestFirst ? "DESC" : "ASC";
        var sql = $"SELECT {Columns} FROM {Rows(key, where, parameters)} ORDER BY sent_time {direction}, sequence {direction} LIMIT @limit";
        var found = new List<MessageRow>();
        await foreach (var row in ReadAsync(sql, parameters, cancellationToken))
        {
            found.Add(row);
        }

        return found;
    }

    public async Task<List<ContactRow>> ContactsAsync(long key, string handle, int limit, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, object)> { ("handle", handle), ("limit", limit) };
        var sent = Rows(key, ["sender = @handle"], parameters);
        var received = Rows(key, ["recipient = @handle"], parameters);
        var sql = $"""
            SELECT counterpart, SUM(sent), SUM(received), MIN(sent_time), MAX(sent_time) FROM (
              SELECT recipient AS counterpart, 1 AS sent, 0 AS received, sent_time FROM {sent}
              UNION ALL
              SELECT sender, 0, 1, sent_time FROM {received}) contacts
            GROUP BY counterpart ORDER BY SUM(sent) + SUM(received) DESC, counterpart LIMIT @limit
            """;
        await using var command = await CommandAsync(sql, parameters, cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var contacts = new List<ContactRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            contacts.Add(new ContactRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), ReadTime(reader, 3), ReadTime(reader, 4)));
        }

        return contacts;
    }

    /// <summary>How many rows of <paramref name="subset"/> lie after <paramref name="after"/>, and the last sequence now.</summary>
    public async Task<(long Count, long Last)> CountAfterAsync(long key, long after, MessageSubset subset, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, object)> { ("after", after) };
        var where = new List<string> { "sequence > @after" };
        if (SubsetCondition(subset, parameters) is { } inside)
        {
            where.Add(inside);
        }

        var sql = $"SELECT COUNT(*), COALESCE(MAX(sequence), 0) FROM {Rows(key, where, parameters)}";
        await using var command = await CommandAsync(sql, parameters, cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>
    /// The rows of <paramref name="subset"/> in (<paramref name="after"/>, <paramref name="upTo"/>],
    /// in sequence order, as they are read: one query per span of sequences, so each sorts a few
    /// thousand rows in memory whatever the dataset's size (PostgreSQL finds a span by its BRIN index).
    /// </summary>
    public async IAsyncEnumerable<MessageRow> ReadRangeAsync(long key, long after, long upTo, MessageSubset subset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const long span = 10_000;
        for (var from = after; from < upTo; from += span)
        {
            var parameters = new List<(string, object)> { ("after", from), ("up_to", Math.Min(upTo, from + span)) };
            var where = new List<string> { "sequence > @after", "sequence <= @up_to" };
            if (SubsetCondition(subset, parameters) is { } inside)
            {
                where.Add(inside);
            }

            await foreach (var row in ReadAsync($"SELECT {Columns} FROM {Rows(key, where, parameters)} ORDER BY sequence", parameters, cancellationToken))
            {
                yield return row;
            }
        }
    }

    /// <summary>Whether the dataset holds a message <paramref name="handle"/> sent or received.</summary>
    public async Task<bool> HasHandleAsync(long key, string handle, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, object)> { ("handle", handle) };
        var sql = $"SELECT 1 FROM {Rows(key, ["sender = @handle"], parameters)} UNION ALL SELECT 1 FROM {Rows(key, ["recipient = @handle"], parameters)} LIMIT 1";
        await using var command = await CommandAsync(sql, parameters, cancellationToken);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>"table WHERE …": the dataset's rows that meet every condition.</summary>
    protected abstract string Rows(long key, IReadOnlyList<string> conditions, List<(string Name, object Value)> parameters);

    protected abstract object TimeValue(DateTimeOffset time);

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>The condition that the decrypted text holds every word of <paramref name="text"/>.</summary>
    protected abstract string TextCondition(string text, List<(string Name, object Value)> parameters);

    protected string? SubsetCondition(MessageSubset subset, List<(string Name, object Value)> parameters)
    {
        var conditions = new List<string>();
        if (subset.Handles.Count > 0)
        {
            var names = new List<string>();
            for (var i = 0; i < subset.Handles.Count; i++)
            {
                parameters.Add(($"h{i}", subset.Handles[i]));
                names.Add($"@h{i}");
            }

            var list = string.Join(", ", names);
            conditions.Add($"(sender IN ({list}) OR recipient IN ({list}))");
        }

        if (subset.From is { } from)
        {
            parameters.Add(("subset_from", TimeValue(from)));
            conditions.Add("sent_time >= @subset_from");
        }

        if (subset.Until is { } until)
        {
            parameters.Add(("subset_until", TimeValue(until)));
            conditions.Add("sent_time < @subset_until");
        }

        return conditions.Count == 0 ? null : string.Join(" AND ", conditions);
    }

    protected async Task<DbCommand> CommandAsync(string sql, IReadOnlyList<(string Name, object Value)> parameters, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandTimeout = 0; // bulk statements run as long as the data needs; the call's deadline still cancels them
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    protected async Task<int> ExecuteAsync(string sql, IReadOnlyList<(string Name, object Value)> parameters, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(sql, parameters, cancellationToken);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async IAsyncEnumerable<MessageRow> ReadAsync(string sql, IReadOnlyList<(string Name, object Value)> parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(sql, parameters, cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new MessageRow
            {
                Sequence = reader.GetInt64(0),
                MessageId = reader.GetString(1),
                SentTime = ReadTime(reader, 2),
                Sender = reader.GetString(3),
                Recipient = reader.GetString(4),
                SenderDevice = reader.IsDBNull(5) ? null : reader.GetString(5),
                RecipientDevice = reader.IsDBNull(6) ? null : reader.GetString(6),
                Decrypted = reader.GetBoolean(7),
                Text = reader.IsDBNull(8) ? null : reader.GetString(8),
                Attachments = reader.IsDBNull(9) ? null : reader.GetString(9),
            };
        }
    }

    /// <summary>The words of a search, each as its own term (no operators from the caller reach the engine).</summary>
    protected static IReadOnlyList<string> Words(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(20).ToList();

    protected static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
