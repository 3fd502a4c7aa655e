using Argus.Agency.Intercepts.Messages;
using Argus.Testing;
using Npgsql;

namespace Argus.FunctionalTests.Intercepts;

/// <summary>
/// The store's own binary COPY encoder against a real PostgreSQL: what it writes is what the
/// server reads back, field by field — nulls, multi-byte text, the longest text a message may
/// have (longer than the encoder's buffer), times before and after PostgreSQL's epoch, extremes —
/// both when it writes through to the COPY as its buffers fill and when it keeps them for later.
/// </summary>
public sealed class PostgresCopyWriterTests
{
    private sealed record Row(long Number, string Text, string? Optional, DateTimeOffset Time, bool Flag);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task What_the_encoder_writes_PostgreSQL_reads_back_unchanged(bool keptUntilWritten)
    {
        var longest = string.Concat(Enumerable.Repeat("é€𝄞x", MessageLineParser.MaxTextLength / 5));
        Row[] rows =
        [
            new(1, "plain", null, new DateTimeOffset(2021, 3, 9, 6, 0, 0, TimeSpan.Zero), true),
            new(-1, "", "", new DateTimeOffset(1999, 12, 31, 23, 59, 59, 999, 999, TimeSpan.Zero), false),
            new(long.MaxValue, "rendez-vous à Anvers 🚤", "SKY-000123", new DateTimeOffset(2000, 1, 1, 0, 0, 0, 1, TimeSpan.Zero), true),
            new(long.MinValue, longest, longest, new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.FromHours(2)), false),
            new(42, "'; DROP TABLE copied; --", "\\N", new DateTimeOffset(2020, 6, 1, 12, 30, 45, 123, 456, TimeSpan.FromHours(-5)), true),
        ];

        await using var source = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("copy-writer"));
        await using (var create = source.CreateCommand("CREATE TABLE copied (number bigint, text text NOT NULL, optional text, time timestamptz, flag boolean)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var connection = await source.OpenConnectionAsync())
        await using (var copy = await connection.BeginRawBinaryCopyAsync("COPY copied FROM STDIN (FORMAT BINARY)"))
        {
            using var writer = keptUntilWritten ? new PostgresCopyWriter() : new PostgresCopyWriter(through: copy);
            foreach (var row in rows)
            {
                writer.StartRow(5);
                writer.Bigint(row.Number);
                writer.Text(row.Text);
                writer.Text(row.Optional);
                writer.Timestamptz(row.Time);
                writer.Bool(row.Flag);
            }

            writer.Complete();
            if (keptUntilWritten)
            {
                writer.WriteTo(copy);
            }
        }

        var read = new List<Row>();
        await using (var select = source.CreateCommand("SELECT number, text, optional, time, flag FROM copied ORDER BY ctid"))
        await using (var reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                read.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    new DateTimeOffset(reader.GetFieldValue<DateTime>(3), TimeSpan.Zero), reader.GetBoolean(4)));
            }
        }

        Assert.Equal(rows.Length, read.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(rows[i].Number, read[i].Number);
            Assert.Equal(rows[i].Text, read[i].Text);
            Assert.Equal(rows[i].Optional, read[i].Optional);
            Assert.Equal(rows[i].Time.UtcTicks, read[i].Time.UtcTicks); // the same instant, to the microsecond
            Assert.Equal(rows[i].Flag, read[i].Flag);
        }
    }
}
