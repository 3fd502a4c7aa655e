using System.Data.Common;
using Argus.Agency.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Audit;

/// <summary>
/// The hot path of the processing log: every read appends an entry. A prepared INSERT in one
/// transaction costs a few microseconds a row, where EF's change tracking costs tens. Consultation
/// entries are committed before the record is shown, but the commit does not wait for the disk:
/// they survive a crash of this process, while a power cut may lose the last moments of them.
/// Changes and their entries are saved through EF with full durability.
/// </summary>
internal static class AuditEntryInserts
{
    private const string Insert =
        """INSERT INTO "AuditEntries" ("Time", "ClientId", "Action", "Record", "Justification", "Recipients", "Details") """ +
        "VALUES (@time, @client, @action, @record, @justification, @recipients, @details)";

    public static async Task InsertWithoutWaitingForDiskAsync(AgencyDbContext db, IReadOnlyList<AuditEntryEntity> entries)
    {
        var sqlite = db.Database.IsSqlite();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            if (sqlite)
            {
                // Per connection; set back below before the pooled connection serves anyone else.
                await Execute(connection, "PRAGMA synchronous=NORMAL;");
            }

            await using var transaction = await connection.BeginTransactionAsync();
            if (!sqlite)
            {
                await Execute(connection, "SET LOCAL synchronous_commit = off;", transaction);
            }

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Insert;
            var parameters = new[] { "time", "client", "action", "record", "justification", "recipients", "details" }
                .Select(name =>
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    command.Parameters.Add(parameter);
                    return parameter;
                })
                .ToArray();
            foreach (var entry in entries)
            {
                parameters[0].Value = sqlite ? entry.Time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture) : entry.Time;
                parameters[1].Value = entry.ClientId;
                parameters[2].Value = entry.Action.ToString();
                parameters[3].Value = entry.Record;
                parameters[4].Value = entry.Justification;
                parameters[5].Value = entry.Recipients;
                parameters[6].Value = entry.Details;
                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
        finally
        {
            if (sqlite)
            {
                await Execute(connection, "PRAGMA synchronous=FULL;");
            }

            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task Execute(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync();
    }
}
