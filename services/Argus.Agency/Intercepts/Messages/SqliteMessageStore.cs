using System.Data.Common;
using Argus.Agency.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// SQLite, the embedded default: one table for every dataset, its indexes kept as rows arrive
/// (SQLite has no cheaper bulk path than prepared inserts in large transactions), duplicates
/// skipped by the unique index, and the decrypted text in an FTS5 index beside it.
/// </summary>
internal sealed class SqliteMessageStore(AgencyDbContext db) : MessageStore(db)
{
    public override Task CreateAsync(long key, CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task DropAsync(long key, CancellationToken cancellationToken) =>
        await DeleteWhereAsync(key, "1 = 1", [], cancellationToken);

    public override MessageBatch NewBatch(long key, long importKey) => new RowBatch(key, importKey);

    /// <summary>The rows themselves, for the prepared inserts.</summary>
    private sealed class RowBatch(long key, long importKey) : MessageBatch(key, importKey)
    {
        public List<MessageRow> Rows { get; } = [];

        protected override void Append(MessageRow row) => Rows.Add(row);
    }

    public override async Task<int> WriteAsync(MessageBatch batch, bool indexed, CancellationToken cancellationToken)
    {
        var (key, importKey, rows) = (batch.Key, batch.ImportKey, ((RowBatch)batch).Rows);
        await using var insert = await CommandAsync("""
            INSERT OR IGNORE INTO intercepted_messages (dataset_key, sequence, source_id, sent_time, sender, recipient, sender_device, recipient_device, decrypted, body, attachments, import_key)
            VALUES (@key, @sequence, @id, @time, @sender, @recipient, @sender_device, @recipient_device, @decrypted, @body, @attachments, @import)
            """,
            [("key", key), ("sequence", 0L), ("id", ""), ("time", 0L), ("sender", ""), ("recipient", ""), ("sender_device", DBNull.Value),
                ("recipient_device", DBNull.Value), ("decrypted", false), ("body", DBNull.Value), ("attachments", DBNull.Value), ("import", importKey)],
            cancellationToken);
        await using var text = await CommandAsync("INSERT INTO intercepted_messages_text (rowid, body) VALUES (last_insert_rowid(), @body)", [("body", "")], cancellationToken);
        var parameters = insert.Parameters;
        var written = 0;
        foreach (var row in rows)
        {
            parameters[1].Value = row.Sequence;
            parameters[2].Value = row.MessageId;
            parameters[3].Value = Microseconds(row.SentTime);
            parameters[4].Value = row.Sender;
            parameters[5].Value = row.Recipient;
            parameters[6].Value = (object?)row.SenderDevice ?? DBNull.Value;
            parameters[7].Value = (object?)row.RecipientDevice ?? DBNull.Value;
            parameters[8].Value = row.Decrypted;
            parameters[9].Value = (object?)row.Text ?? DBNull.Value;
            parameters[10].Value = (object?)row.Attachments ?? DBNull.Value;
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                continue; // a message id the dataset holds
            }

            written++;
            if (row.Text is not null)
            {
                text.Parameters[0].Value = row.Text;
                await text.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return written;
    }

    /// <summary>The indexes are kept as rows arrive: nothing to build, no duplicates to remove.</summary>
    public override Task<long> BuildIndexesAsync(long key, bool unique, CancellationToken cancellationToken) => Task.FromResult(0L);

    public override Task<long> BuildUniqueIndexAsync(long key, CancellationToken cancellationToken) => Task.FromResult(0L);

    public override bool FullTextKeptAsRowsArrive => true;

    public override Task BuildFullTextIndexAsync(long key, CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task<int> DeleteWhereAsync(long key, string condition, IReadOnlyList<(string Name, object Value)> parameters, CancellationToken cancellationToken)
    {
        List<(string, object)> all = [.. parameters, ("key", key)];
        // An external-content FTS5 table forgets a row only when told its old text.
        await ExecuteAsync($"""
            INSERT INTO intercepted_messages_text (intercepted_messages_text, rowid, body)
            SELECT 'delete', rowid, body FROM intercepted_messages WHERE dataset_key = @key AND body IS NOT NULL AND ({condition})
            """, all, cancellationToken);
        return await ExecuteAsync($"DELETE FROM intercepted_messages WHERE dataset_key = @key AND ({condition})", all, cancellationToken);
    }

    protected override string Rows(long key, IReadOnlyList<string> conditions, List<(string Name, object Value)> parameters)
    {
        if (!parameters.Exists(p => p.Name == "key"))
        {
            parameters.Add(("key", key));
        }

        return $"intercepted_messages WHERE dataset_key = @key{string.Concat(conditions.Select(c => " AND " + c))}";
    }

    protected override object TimeValue(DateTimeOffset time) => Microseconds(time);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.UnixEpoch.AddTicks(reader.GetInt64(ordinal) * TimeSpan.TicksPerMicrosecond);

    /// <summary>Each word quoted: FTS5 then matches them all, and no operator of the caller's reaches it.</summary>
    protected override string TextCondition(string text, List<(string Name, object Value)> parameters)
    {
        parameters.Add(("text", string.Join(' ', Words(text).Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""))));
        return "rowid IN (SELECT rowid FROM intercepted_messages_text WHERE intercepted_messages_text MATCH @text)";
    }

    private static long Microseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}
