using System.Data.Common;
using System.Globalization;
using System.Threading.Channels;
using Argus.Agency.Api.Mapping;
using Argus.Agency.Persistence;
using Argus.Client.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Agency.Audit;

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
/// <item>A second writer on the same database cannot fork the chain: sequence numbers are unique,
/// so its transaction fails, and it reloads the head.</item>
/// </list>
/// </summary>
public sealed class ProcessingLogWriter : IAsyncDisposable
{
    private const int MaxConsultations = 512;
    private const int MaxSeals = 5000;

    private readonly Channel<Pending> pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider clock;
    private readonly Task loop;
    private string head = AuditChain.Genesis;
    private long sequence;
    private bool loaded;

    public ProcessingLogWriter(IServiceScopeFactory scopes, TimeProvider clock)
    {
        this.scopes = scopes;
        this.clock = clock;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Saves the pending changes of <paramref name="db"/> together with their log entry.</summary>
    public async Task SaveWithEntryAsync(AgencyDbContext db, ProcessingEvent processing, string clientId, string justification, CancellationToken cancellationToken)
    {
        var entry = Entry(processing, clientId, justification);
        db.AuditEntries.Add(entry);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            db.Entry(entry).State = EntityState.Detached;
            throw;
        }

        pending.Writer.TryWrite(new Pending(null, null)); // chain it soon
    }

    /// <summary>Logs a consultation; completes once the entry is committed.</summary>
    public Task RecordAsync(ProcessingEvent processing, string clientId, string justification) =>
        Enqueue(Entry(processing, clientId, justification));

    /// <summary>Completes once every entry committed before the call is chained (for readers of the log).</summary>
    public Task SealAsync() => Enqueue(null);

    public async ValueTask DisposeAsync()
    {
        pending.Writer.TryComplete();
        await loop;
    }

    private Task Enqueue(AuditEntryEntity? consultation)
    {
        var item = new Pending(consultation, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
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
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count(p => p.Consultation is not null) < MaxConsultations && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await WriteAsync(scope.ServiceProvider.GetRequiredService<AgencyDbContext>(), batch.Where(p => p.Consultation is not null).Select(p => p.Consultation!).ToList());
                batch.ForEach(p => p.Done?.TrySetResult());
            }
            catch (Exception ex)
            {
                loaded = false;
                batch.ForEach(p => p.Done?.TrySetException(ex));
            }
        }
    }

    /// <summary>One transaction: chain the committed unchained entries, then append the consultations, chained.</summary>
    private async Task WriteAsync(AgencyDbContext db, List<AuditEntryEntity> consultations)
    {
        var sqlite = db.Database.IsSqlite();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        try
        {
            if (sqlite)
            {
                // Per connection; set back below before the pooled connection serves anyone else.
                await ExecuteAsync(connection, null, "PRAGMA synchronous=NORMAL;");
            }

            await using var transaction = await connection.BeginTransactionAsync();
            await db.Database.UseTransactionAsync(transaction);
            if (!sqlite)
            {
                await ExecuteAsync(connection, transaction, "SET LOCAL synchronous_commit = off;");
            }

            if (!loaded)
            {
                var last = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence).FirstOrDefaultAsync();
                (head, sequence) = (last?.Hash ?? AuditChain.Genesis, last?.Sequence ?? 0);
                loaded = true;
            }

            var (chainHead, chainSequence) = (head, sequence);
            var unchained = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence == null).OrderBy(e => e.Id).Take(MaxSeals).ToListAsync();
            if (unchained.Count > 0)
            {
                await using var seal = Command(connection, transaction,
                    """UPDATE "AuditEntries" SET "Sequence" = @sequence, "PreviousHash" = @previous, "Hash" = @hash WHERE "Id" = @id""",
                    "sequence", "previous", "hash", "id");
                foreach (var entry in unchained)
                {
                    Chain(entry, ref chainHead, ref chainSequence);
                    await RunAsync(seal, entry.Sequence!.Value, entry.PreviousHash!, entry.Hash!, entry.Id);
                }
            }

            if (consultations.Count > 0)
            {
                await using var insert = Command(connection, transaction,
                    """INSERT INTO "AuditEntries" ("Sequence", "Time", "ClientId", "Action", "Record", "Justification", "Recipients", "Details", "PreviousHash", "Hash") """ +
                    "VALUES (@sequence, @time, @client, @action, @record, @justification, @recipients, @details, @previous, @hash)",
                    "sequence", "time", "client", "action", "record", "justification", "recipients", "details", "previous", "hash");
                foreach (var entry in consultations)
                {
                    Chain(entry, ref chainHead, ref chainSequence);
                    await RunAsync(insert, entry.Sequence!.Value,
                        sqlite ? entry.Time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture) : entry.Time,
                        entry.ClientId, entry.Action.ToString(), entry.Record, entry.Justification, entry.Recipients, entry.Details, entry.PreviousHash!, entry.Hash!);
                }
            }

            await transaction.CommitAsync();
            (head, sequence) = (chainHead, chainSequence);
        }
        finally
        {
            await db.Database.UseTransactionAsync(null);
            if (sqlite)
            {
                await ExecuteAsync(connection, null, "PRAGMA synchronous=FULL;");
            }

            await db.Database.CloseConnectionAsync();
        }
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

    /// <summary>A consultation to append (with its waiter), or, without one, a request to chain what is committed.</summary>
    private sealed record Pending(AuditEntryEntity? Consultation, TaskCompletionSource? Done);
}
