using System.Data.Common;
using Argus.Agency.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// PostgreSQL: "intercepted_messages" is partitioned by dataset (LIST on dataset_key), one
/// partition per dataset, and every statement names the partition, so a dataset's indexes are its
/// own: a first load COPYs into a partition without any (the fastest path the database has), and
/// builds them once at its end; dropping a dataset drops its partition. Later loads COPY into a
/// temporary table and insert from there, skipping message ids the partition holds.
/// </summary>
internal sealed class PostgresMessageStore(AgencyDbContext db) : MessageStore(db)
{
    private const string CopyColumns = "dataset_key, sequence, source_id, sent_time, sender, recipient, sender_device, recipient_device, decrypted, body, attachments, import_key";

    private static string Partition(long key) => $"intercepted_messages_{Invariant(key)}";

    /// <summary>
    /// Without autovacuum until its first load has ended (<see cref="LoadEndedAsync"/>): a new
    /// partition crosses the insert threshold within its first rows, and a vacuum and analyze of a
    /// table still being loaded ran in the middle of the load (the slowest runs of the benchmark).
    /// The load analyzes it itself; a vacuum against wraparound still runs whatever the setting.
    /// </summary>
    public override Task CreateAsync(long key, CancellationToken cancellationToken) =>
        ExecuteAsync($"CREATE TABLE IF NOT EXISTS {Partition(key)} PARTITION OF intercepted_messages FOR VALUES IN ({Invariant(key)}) WITH (autovacuum_enabled = false)",
            [], cancellationToken);

    public override Task LoadEndedAsync(long key, CancellationToken cancellationToken) =>
        ExecuteAsync($"ALTER TABLE {Partition(key)} RESET (autovacuum_enabled)", [], cancellationToken);

    public override Task DropAsync(long key, CancellationToken cancellationToken) =>
        ExecuteAsync($"DROP TABLE IF EXISTS {Partition(key)}", [], cancellationToken);

    public override MessageBatch NewBatch(long key, long importKey) => new CopyBatch(key, importKey);

    public override async Task<int> WriteAsync(MessageBatch batch, bool indexed, CancellationToken cancellationToken)
    {
        var rows = (CopyBatch)batch;
        await Db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)Db.Database.GetDbConnection();
        if (!indexed)
        {
            await CopyAsync(connection, Partition(batch.Key), rows, cancellationToken);
            return batch.Count;
        }

        await ExecuteAsync($"CREATE TEMPORARY TABLE IF NOT EXISTS intercepted_messages_staging (LIKE intercepted_messages) ON COMMIT DELETE ROWS", [], cancellationToken);
        await CopyAsync(connection, "intercepted_messages_staging", rows, cancellationToken);
        return await ExecuteAsync(
            $"INSERT INTO {Partition(batch.Key)} ({CopyColumns}) SELECT {CopyColumns} FROM intercepted_messages_staging ORDER BY sequence ON CONFLICT (source_id) DO NOTHING",
            [], cancellationToken);
    }

    /// <summary>Rows encoded for COPY as they are added, in the order of <see cref="CopyColumns"/>.</summary>
    private sealed class CopyBatch(long key, long importKey) : MessageBatch(key, importKey)
    {
        public PostgresCopyWriter Encoded { get; } = new();

        protected override void Append(MessageRow row)
        {
            Encoded.StartRow(12);
            Encoded.Bigint(Key);
            Encoded.Bigint(row.Sequence);
            Encoded.Text(row.MessageId);
            Encoded.Timestamptz(row.SentTime);
            Encoded.Text(row.Sender);
            Encoded.Text(row.Recipient);
            Encoded.Text(row.SenderDevice);
            Encoded.Text(row.RecipientDevice);
            Encoded.Bool(row.Decrypted);
            Encoded.Text(row.Text);
            Encoded.Text(row.Attachments);
            Encoded.Bigint(ImportKey);
        }

        protected override void Dispose(bool disposing)
        {
            Encoded.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// The batch's bytes written with synchronous calls: the asynchronous ones cost a task per
    /// buffer flush. This runs on the import's or the pull's writer loop, so a blocked write holds
    /// no request.
    /// </summary>
    private static async Task CopyAsync(NpgsqlConnection connection, string table, CopyBatch batch, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {table} ({CopyColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        var complete = false;
        try
        {
            batch.Encoded.Complete();
            batch.Encoded.WriteTo(copy);
            complete = true;
        }
        finally
        {
            if (!complete)
            {
                // Disposing a raw COPY stream ends the COPY, keeping what was sent; a failed one is cancelled instead.
                await copy.CancelAsync();
            }
        }
    }

    public override async Task<long> BuildIndexesAsync(long key, bool unique, CancellationToken cancellationToken)
    {
        var table = Partition(key);
        // Rows are appended in sequence order (and a server copy mostly in time order), so block
        // ranges summarise both well: a BRIN index, built in one pass and a few pages large, where
        // b-trees would cost as much again as the handles' ones. One index of both columns serves
        // a condition on either, and reads the table once where two read it twice.
        var searched = BuildConcurrentlyAsync(cancellationToken,
            $"CREATE INDEX IF NOT EXISTS ix_{table}_sender ON {table} (sender, sent_time)",
            $"CREATE INDEX IF NOT EXISTS ix_{table}_recipient ON {table} (recipient, sent_time)",
            $"CREATE INDEX IF NOT EXISTS ix_{table}_order ON {table} USING brin (sequence, sent_time)");
        // At the same time, on the request's connection (the others have their own).
        var uniqueBuild = unique ? BuildUniqueIndexAsync(key, cancellationToken) : Task.FromResult(0L);
        await Task.WhenAll(searched, uniqueBuild);
        var removed = await uniqueBuild;

        // After the builds: ANALYZE's lock waits for theirs.
        await ExecuteAsync($"ANALYZE {table}", [], cancellationToken);
        await LoadEndedAsync(key, cancellationToken);
        return removed;
    }

    /// <summary>
    /// Advisory locks of this class serialize the unique-index builds of a dataset, held on the
    /// request's connection. The dataset's key is the second number (a key beyond 2^31 shares its
    /// lock with another dataset's: the two builds then wait for each other, nothing worse).
    /// </summary>
    private const int UniqueIndexLockClass = 0x4152_4755; // "ARGU"

    public override async Task<long> BuildUniqueIndexAsync(long key, CancellationToken cancellationToken)
    {
        var table = Partition(key);
        List<(string, object)> lockKey = [("class", UniqueIndexLockClass), ("key", unchecked((int)key))];
        await ExecuteAsync("SELECT pg_advisory_lock(@class, @key)", lockKey, cancellationToken);
        try
        {
            await ExecuteAsync("SET maintenance_work_mem = '256MB'; SET max_parallel_maintenance_workers = 0", [], cancellationToken);
            try
            {
                await ExecuteAsync(UniqueIndex(table), [], cancellationToken);
                return 0;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Rare (a file with a message twice, an import restarted from its start, an owner
                // sending an id twice). A delete waits for the other builds of the table to end.
                var removed = await RemoveDuplicatesAsync(table, cancellationToken);
                await ExecuteAsync(UniqueIndex(table), [], cancellationToken);
                return removed;
            }
        }
        finally
        {
            await ExecuteAsync("RESET maintenance_work_mem; RESET max_parallel_maintenance_workers", [], CancellationToken.None);
            await ExecuteAsync("SELECT pg_advisory_unlock(@class, @key)", lockKey, CancellationToken.None);
        }
    }

    private static string UniqueIndex(string table) => $"CREATE UNIQUE INDEX IF NOT EXISTS ix_{table}_source ON {table} (source_id)";

    /// <summary>Keeps each message id's first row.</summary>
    private Task<int> RemoveDuplicatesAsync(string table, CancellationToken cancellationToken) => ExecuteAsync($"""
        DELETE FROM {table} m USING {table} first
        WHERE m.source_id = first.source_id AND (m.sequence, m.ctid) > (first.sequence, first.ctid)
        """, [], cancellationToken);

    /// <summary>
    /// Each statement on a connection of its own, at once: index builds share the table (a SHARE
    /// lock each), and as many builds as there are indexes keep the cores busy without the worker
    /// processes a parallel build adds (on two cores, three builds with two workers each ran slower
    /// than three builds alone). Sorting is the load's largest cost; each gets memory for it.
    /// </summary>
    private async Task BuildConcurrentlyAsync(CancellationToken cancellationToken, params string[] statements)
    {
        var connectionString = Db.Database.GetConnectionString();
        await Task.WhenAll(statements.Select(async statement =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var memory = new NpgsqlCommand("SET maintenance_work_mem = '256MB'; SET max_parallel_maintenance_workers = 0", connection);
            await memory.ExecuteNonQueryAsync(cancellationToken);
            await using var build = new NpgsqlCommand(statement, connection) { CommandTimeout = 0 };
            await build.ExecuteNonQueryAsync(cancellationToken);
        }));
    }

    public override bool FullTextKeptAsRowsArrive => false;

    public override async Task BuildFullTextIndexAsync(long key, CancellationToken cancellationToken)
    {
        var table = Partition(key);
        await ExecuteAsync("SET maintenance_work_mem = '512MB'", [], cancellationToken);
        await ExecuteAsync($"CREATE INDEX IF NOT EXISTS ix_{table}_text ON {table} USING gin (to_tsvector('simple', body)) WHERE body IS NOT NULL", [], cancellationToken);
        await ExecuteAsync("RESET maintenance_work_mem", [], cancellationToken);
    }

    protected override Task<int> DeleteWhereAsync(long key, string condition, IReadOnlyList<(string Name, object Value)> parameters, CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {Partition(key)} WHERE {condition}", parameters, cancellationToken);

    protected override string Rows(long key, IReadOnlyList<string> conditions, List<(string Name, object Value)> parameters) =>
        conditions.Count == 0 ? Partition(key) : $"{Partition(key)} WHERE {string.Join(" AND ", conditions)}";

    protected override object TimeValue(DateTimeOffset time) => time.UtcDateTime;

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => new(reader.GetFieldValue<DateTime>(ordinal), TimeSpan.Zero);

    /// <summary>The 'simple' configuration: no stemming, so a word matches as written (the messages mix Dutch, French and English).</summary>
    protected override string TextCondition(string text, List<(string Name, object Value)> parameters)
    {
        parameters.Add(("text", string.Join(' ', Words(text))));
        return "body IS NOT NULL AND to_tsvector('simple', body) @@ plainto_tsquery('simple', @text)";
    }
}
