using System.Data.Common;
using System.Globalization;
using System.Threading.Channels;
using Argus.Agency.Shared;
using Argus.Agency.Persistence;
using Argus.Client.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Agency.ProcessingLog;

/// <summary>
/// The processing log's writer, and the one writer of its hash chain.
/// <list type="bullet">
/// <item>A change and its entry are saved in one transaction (<see cref="SaveWithEntryAsync"/>):
/// neither exists without the other. Change writers take no lock; their entries are committed
/// unchained.</item>
/// <item>One background loop chains them — sequence, previous hash, hash — in the order they
/// became visible, and in the same transaction appends the consultations requests are waiting on
/// (<see cref="RecordAsync"/>), already chained. Each request answers only once its consultation
/// entry is committed, so no record is shown unlogged; many requests share one transaction.</item>
/// <item>Consultation commits do not wait for the disk: they survive a crash of this process, a
/// power cut may lose the last moments of them. Changes keep full durability.</item>
/// <item>A second writer on the same database (another instance of the service) cannot fork the
/// chain: sequence numbers are unique, so its transaction fails; it reloads the head and tries
/// again after the other's entries.</item>
/// </list>
/// </summary>
public sealed class ProcessingLogWriter : IAsyncDisposable
{
    private const int MaxConsultations = 512;
    private const int MaxSeals = 5000;
    private const int MaxAttempts = 5;

    private readonly Channel<Pending> pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider clock;
    private readonly Task loop;
    private string head = AuditChain.Genesis;
    private long sequence;
    private bool loaded;
    private DbConnection? connection;
    private bool sqlite;

    public ProcessingLogWriter(IServiceScopeFactory scopes, TimeProvider clock)
    {
        this.scopes = scopes;
        this.clock = clock;
        loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Saves the pending changes of <paramref name="db"/> together with their log entry (and
    /// <paramref name="alsoLogged"/>) and <paramref name="events"/>, in one transaction (the caller's,
    /// if it has one open). The entries and events are appended beside the change tracker
    /// (<see cref="AppendedRows"/>): a caller that retries after a failure adds nothing twice.
    /// </summary>
    public async Task SaveWithEntryAsync(AgencyDbContext db, ProcessingEvent processing, string clientId, string justification, CancellationToken cancellationToken,
        IReadOnlyList<ProcessingEvent>? alsoLogged = null, IReadOnlyList<Outbox.OutboxMessage>? events = null)
    {
        var entries = new List<AuditEntryEntity> { Entry(processing, clientId, justification) };
        entries.AddRange((alsoLogged ?? []).Select(p => Entry(p, clientId, justification)));
        var appended = new AppendedRows(db).Add(events ?? []).Add(entries);
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var savepoints = db.Database.AutoSavepointsEnabled;
        try
        {
            // In a transaction of our own a failure rolls back all of it: a savepoint before the
            // save would only cost a round trip.
            db.Database.AutoSavepointsEnabled = savepoints && own is null;
            // The tracked changes count as saved only once all of it is: should the appended rows
            // or the commit fail, the context still holds them as unsaved, as after a failed save.
            await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
            await appended.InsertAsync(cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }

            db.ChangeTracker.AcceptAllChanges();
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }

        pending.Writer.TryWrite(Pending.ChangeCommitted); // chain it soon
    }

    /// <summary>Logs a consultation; completes once the entry is committed.</summary>
    public Task RecordAsync(ProcessingEvent processing, string clientId, string justification) =>
        Enqueue(Entry(processing, clientId, justification), seal: false);

    /// <summary>Completes once every entry committed before the call is chained (for readers of the log).</summary>
    public Task SealAsync() => Enqueue(null, seal: true);

    public async ValueTask DisposeAsync()
    {
        pending.Writer.TryComplete();
        await loop;
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    private Task Enqueue(AuditEntryEntity? consultation, bool seal)
    {
        var item = new Pending(consultation, seal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!pending.Writer.TryWrite(item))
        {
            throw new InvalidOperationException("The processing log is shutting down.");
        }

        return item.Done!.Task;
    }

    private async Task RunAsync()
    {
        var reader = pending.Reader;
        var batch = new List<Pending>();
        var changesPending = true; // entries may have been committed unchained before a restart
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count(p => p.Consultation is not null) < MaxConsultations && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            // Unchained entries are only looked for when a change committed one (or a reader asks):
            // a batch of reads alone is one transaction of inserts.
            changesPending |= batch.Any(p => p.Seal);
            var consultations = batch.Where(p => p.Consultation is not null).Select(p => p.Consultation!).ToList();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await WriteAsync(consultations, changesPending);
                    changesPending = false;
                    batch.ForEach(p => p.Done?.TrySetResult());
                    break;
                }
                catch (Exception ex)
                {
                    loaded = false;
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }

                    // Another instance of the service on the same database took the next sequence
                    // number first: its entries are in the chain now; chain after them and try again.
                    if (attempt < MaxAttempts && IsSequenceTaken(ex))
                    {
                        await Task.Delay(5 * attempt); // let the other writer's transaction finish
                        continue;
                    }

                    batch.ForEach(p => p.Done?.TrySetException(ex));
                    break;
                }
            }
        }
    }

    /// <summary>Whether the transaction failed because another writer took a sequence number first (and nothing else).</summary>
    private static bool IsSequenceTaken(Exception ex) => ex switch
    {
        Npgsql.PostgresException postgres => postgres is { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation, ConstraintName: "IX_AuditEntries_Sequence" },
        // SQLITE_CONSTRAINT_UNIQUE, on the sequence column.
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 2067 && sqlite.Message.Contains("AuditEntries.Sequence", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>One transaction: chain the committed unchained entries, then append the consultations, chained.</summary>
    private async Task WriteAsync(List<AuditEntryEntity> consultations, bool changesPending)
    {
        var connection = await ConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (!loaded)
        {
            await using var last = Command(connection, transaction, """SELECT "Sequence", "Hash" FROM "AuditEntries" WHERE "Sequence" IS NOT NULL ORDER BY "Sequence" DESC LIMIT 1""");
            await using var reader = await last.ExecuteReaderAsync();
            (head, sequence) = await reader.ReadAsync() ? (reader.GetString(1), reader.GetInt64(0)) : (AuditChain.Genesis, 0L);
            loaded = true;
        }

        var (chainHead, chainSequence) = (head, sequence);
        var unchained = changesPending ? await UnchainedAsync(connection, transaction) : [];
        foreach (var entry in unchained.Concat(consultations))
        {
            Chain(entry, ref chainHead, ref chainSequence);
        }

        if (sqlite)
        {
            await ChainEachAsync(connection, transaction, unchained);
            await InsertEachAsync(connection, transaction, consultations);
        }
        else
        {
            await ChainAllAsync((Npgsql.NpgsqlConnection)connection, transaction, unchained);
            await InsertAllAsync((Npgsql.NpgsqlConnection)connection, transaction, consultations);
        }

        await transaction.CommitAsync();
        (head, sequence) = (chainHead, chainSequence);
    }

    /// <summary>
    /// The writer's own connection, opened once: its commits do not wait for the disk (SQLite
    /// synchronous=NORMAL, PostgreSQL synchronous_commit=off, both for this connection only).
    /// </summary>
    private async Task<DbConnection> ConnectionAsync()
    {
        if (connection is { State: System.Data.ConnectionState.Open })
        {
            return connection;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        sqlite = db.Database.IsSqlite();
        var template = db.Database.GetDbConnection();
        // Not pooled: its relaxed durability must never pass to a connection that writes records.
        connection = template is Microsoft.Data.Sqlite.SqliteConnection
            ? new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ToString())
            : new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await ExecuteAsync(connection, null, sqlite ? "PRAGMA synchronous=NORMAL;" : "SET synchronous_commit = off;");
        return connection;
    }

    private static async Task<List<AuditEntryEntity>> UnchainedAsync(DbConnection connection, DbTransaction transaction)
    {
        await using var query = Command(connection, transaction,
            """SELECT "Id", "Time", "ClientId", "Action", "Record", "Justification", "Recipients", "Details" FROM "AuditEntries" """ +
            $"""WHERE "Sequence" IS NULL ORDER BY "Id" LIMIT {MaxSeals}""");
        await using var reader = await query.ExecuteReaderAsync();
        var entries = new List<AuditEntryEntity>();
        while (await reader.ReadAsync())
        {
            entries.Add(new AuditEntryEntity
            {
                Id = reader.GetInt64(0),
                Time = reader.GetFieldValue<DateTimeOffset>(1),
                ClientId = reader.GetString(2),
                Action = Enum.Parse<ProcessingAction>(reader.GetString(3)),
                Record = reader.GetString(4),
                Justification = reader.GetString(5),
                Recipients = reader.GetString(6),
                Details = reader.GetString(7),
            });
        }

        return entries;
    }

    private const string InsertColumns =
        """INSERT INTO "AuditEntries" ("Sequence", "Time", "ClientId", "Action", "Record", "Justification", "Recipients", "Details", "PreviousHash", "Hash") """;

    /// <summary>SQLite, in-process: one prepared statement per entry costs no round trip.</summary>
    private static async Task ChainEachAsync(DbConnection connection, DbTransaction transaction, List<AuditEntryEntity> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var seal = Command(connection, transaction,
            """UPDATE "AuditEntries" SET "Sequence" = @sequence, "PreviousHash" = @previous, "Hash" = @hash WHERE "Id" = @id""",
            "sequence", "previous", "hash", "id");
        foreach (var entry in entries)
        {
            await RunAsync(seal, entry.Sequence!.Value, entry.PreviousHash!, entry.Hash!, entry.Id);
        }
    }

    private static async Task InsertEachAsync(DbConnection connection, DbTransaction transaction, List<AuditEntryEntity> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var insert = Command(connection, transaction,
            InsertColumns + "VALUES (@sequence, @time, @client, @action, @record, @justification, @recipients, @details, @previous, @hash)",
            "sequence", "time", "client", "action", "record", "justification", "recipients", "details", "previous", "hash");
        foreach (var entry in entries)
        {
            await RunAsync(insert, entry.Sequence!.Value, entry.Time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
                entry.ClientId, entry.Action.ToString(), entry.Record, entry.Justification, entry.Recipients, entry.Details, entry.PreviousHash!, entry.Hash!);
        }
    }

    /// <summary>PostgreSQL: the whole batch's places in the chain in one statement, one round trip whatever its size.</summary>
    private static async Task ChainAllAsync(Npgsql.NpgsqlConnection connection, DbTransaction transaction, List<AuditEntryEntity> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var seal = new Npgsql.NpgsqlCommand(
            """
            UPDATE "AuditEntries" AS e SET "Sequence" = c.sequence, "PreviousHash" = c.previous, "Hash" = c.hash
            FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS c(id, sequence, previous, hash)
            WHERE e."Id" = c.id
            """, connection, (Npgsql.NpgsqlTransaction)transaction)
        {
            Parameters =
            {
                new() { Value = entries.Select(e => e.Id).ToArray() },
                new() { Value = entries.Select(e => e.Sequence!.Value).ToArray() },
                new() { Value = entries.Select(e => e.PreviousHash!).ToArray() },
                new() { Value = entries.Select(e => e.Hash!).ToArray() },
            },
        };
        await seal.ExecuteNonQueryAsync();
    }

    private static async Task InsertAllAsync(Npgsql.NpgsqlConnection connection, DbTransaction transaction, List<AuditEntryEntity> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var insert = new Npgsql.NpgsqlCommand(
            InsertColumns +
            "SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])",
            connection, (Npgsql.NpgsqlTransaction)transaction)
        {
            Parameters =
            {
                new() { Value = entries.Select(e => e.Sequence!.Value).ToArray() },
                new() { Value = entries.Select(e => e.Time).ToArray() },
                new() { Value = entries.Select(e => e.ClientId).ToArray() },
                new() { Value = entries.Select(e => e.Action.ToString()).ToArray() },
                new() { Value = entries.Select(e => e.Record).ToArray() },
                new() { Value = entries.Select(e => e.Justification).ToArray() },
                new() { Value = entries.Select(e => e.Recipients).ToArray() },
                new() { Value = entries.Select(e => e.Details).ToArray() },
                new() { Value = entries.Select(e => e.PreviousHash!).ToArray() },
                new() { Value = entries.Select(e => e.Hash!).ToArray() },
            },
        };
        await insert.ExecuteNonQueryAsync();
    }

    private static void Chain(AuditEntryEntity entry, ref string previousHash, ref long previousSequence)
    {
        entry.Sequence = ++previousSequence;
        entry.PreviousHash = previousHash;
        entry.Hash = AuditChain.Hash(entry.Sequence.Value, entry.Time, entry.ClientId, entry.Action.ToString(), entry.Record, entry.Justification,
            entry.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries), entry.Details, entry.PreviousHash);
        previousHash = entry.Hash;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static async Task RunAsync(DbCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private AuditEntryEntity Entry(ProcessingEvent processing, string clientId, string justification) => new()
    {
        Time = Input.TruncateToMicroseconds(clock.GetUtcNow()),
        ClientId = clientId,
        Action = processing.Action,
        Record = processing.Record,
        Justification = justification,
        Recipients = string.Join(',', processing.Recipients ?? []),
        Details = processing.Details,
    };

    /// <summary>A consultation to append, and/or a request to chain what changes committed; with its waiter, if any.</summary>
    private sealed record Pending(AuditEntryEntity? Consultation, bool Seal, TaskCompletionSource? Done)
    {
        public static readonly Pending ChangeCommitted = new(null, true, null);
    }
}
