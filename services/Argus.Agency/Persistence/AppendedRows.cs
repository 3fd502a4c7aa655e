using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Argus.Agency.Persistence;

/// <summary>
/// Rows a change only ever appends — its outbox events, its processing-log entries — inserted in
/// the change's own transaction by one command, beside EF Core's change tracker rather than
/// through it. On the create path the tracker's work for such rows (attaching, snapshotting,
/// detecting changes, building a modification command and reading back the key, per row) cost
/// more than the rows themselves (README, Performance). The statements are built from the model,
/// so columns, names and value conversions (enums as names, SQLite's text dates and GUIDs) are
/// exactly what EF Core itself writes; the rows' generated keys are not read back.
/// </summary>
public sealed class AppendedRows(AgencyDbContext db)
{
    private static readonly ConcurrentDictionary<(IModel, Type), Table> Tables = new();

    /// <summary>Parameters per command, below SQLite's 32,766 and PostgreSQL's 65,535 per statement.</summary>
    private const int MaxParameters = 30_000;

    private readonly List<(Table Table, IReadOnlyList<object> Rows)> pending = [];

    /// <summary>Adds <paramref name="rows"/> to the command; a flat entity type only (no complex properties, no navigations).</summary>
    public AppendedRows Add<T>(IReadOnlyList<T> rows)
        where T : class
    {
        if (rows.Count > 0)
        {
            pending.Add((Tables.GetOrAdd((db.Model, typeof(T)), key => Table.For(key.Item1, key.Item2, db)), rows.Cast<object>().ToList()));
        }

        return this;
    }

    /// <summary>Inserts every row added, in the transaction <paramref name="db"/> has open.</summary>
    public async Task InsertAsync(CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Appended rows are written in the change's transaction; begin one first.");
        var command = NewCommand(transaction);
        var sql = new StringBuilder();
        Table? open = null; // the table whose INSERT the text ends in
        try
        {
            foreach (var (table, rows) in pending)
            {
                foreach (var row in rows)
                {
                    // Within both providers' limit of parameters per command.
                    if (command.Parameters.Count + table.Columns > MaxParameters)
                    {
                        await ExecuteAsync(command, sql, cancellationToken);
                        await command.DisposeAsync();
                        command = NewCommand(transaction);
                        open = null;
                    }

                    table.AppendRow(sql, command, row, continuing: open == table);
                    open = table;
                }
            }

            await ExecuteAsync(command, sql, cancellationToken);
            pending.Clear();
        }
        finally
        {
            await command.DisposeAsync();
        }
    }

    private static DbCommand NewCommand(DbTransaction transaction)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        return command;
    }

    private static async Task ExecuteAsync(DbCommand command, StringBuilder sql, CancellationToken cancellationToken)
    {
        if (command.Parameters.Count == 0)
        {
            return;
        }

        command.CommandText = sql.ToString();
        sql.Clear();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One table's INSERT, from the model: its columns but the generated key, with their type mappings.</summary>
    private sealed class Table(string insertInto, IProperty[] properties, RelationalTypeMapping[] mappings)
    {
        public static Table For(IModel model, Type clrType, DbContext db)
        {
            var entity = model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not in the model.");
            if (entity.GetComplexProperties().Any() || entity.GetNavigations().Any())
            {
                throw new InvalidOperationException($"{clrType.Name} is not a flat row; save it through the change tracker.");
            }

            var sql = db.GetService<ISqlGenerationHelper>();
            var tableName = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(tableName, entity.GetSchema());
            var properties = entity.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToArray();
            var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(store)!)));
            return new Table($"INSERT INTO {sql.DelimitIdentifier(tableName, entity.GetSchema())} ({columns}) VALUES ",
                properties, properties.Select(p => (RelationalTypeMapping)p.GetTypeMapping()).ToArray());
        }

        public int Columns => properties.Length;

        /// <summary>Appends one row's values: to the INSERT the text ends in when <paramref name="continuing"/>, else in a new one.</summary>
        public void AppendRow(StringBuilder sql, DbCommand command, object row, bool continuing)
        {
            if (continuing)
            {
                sql.Append(", (");
            }
            else
            {
                sql.Append(sql.Length == 0 ? "" : "; ").Append(insertInto).Append('(');
            }

            for (var column = 0; column < properties.Length; column++)
            {
                var name = "@a" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var value = properties[column].GetGetter().GetClrValueUsingContainingEntity(row);
                command.Parameters.Add(mappings[column].CreateParameter(command, name, value, properties[column].IsNullable));
                sql.Append(column == 0 ? name : ", " + name);
            }

            sql.Append(')');
        }
    }
}
