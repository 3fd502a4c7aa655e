using Npgsql;

namespace Argus.Hosting.Persistence;

/// <summary>The settings every Argus connection to PostgreSQL gets unless its connection string says otherwise.</summary>
public static class PostgresConnections
{
    /// <summary>
    /// Statements a connection has run this often are prepared on the server and kept with the
    /// pooled connection: a create's statements are then parsed and planned once per connection,
    /// not on every call. Unprepared, PostgreSQL spent about three times as long planning a
    /// create's half-dozen statements as running them (README, Performance).
    /// </summary>
    public const int MaxAutoPrepare = 200;

    public const int AutoPrepareMinUsages = 2;

    /// <summary><paramref name="connectionString"/> with the defaults above where it sets none of its own.</summary>
    public static string WithDefaults(string connectionString)
    {
        // The keys as written (NpgsqlConnectionStringBuilder.ContainsKey says only whether a key is known).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains(nameof(builder.MaxAutoPrepare)))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }

        if (!given.Contains(nameof(builder.AutoPrepareMinUsages)))
        {
            builder.AutoPrepareMinUsages = AutoPrepareMinUsages;
        }

        return builder.ConnectionString;
    }
}
