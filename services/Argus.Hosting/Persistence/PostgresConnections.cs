using Npgsql;

namespace Argus.Hosting.Persistence;

/// <summary>The settings every Argus connection to PostgreSQL gets unless its connection string says otherwise.</summary>
public static class PostgresConnections
{
    /// <summary>
    /// Statements a connection has run this often are prepared on the server and kept with the
    /// pooled connection: a create's statements are then parsed and planned once per connection,
    /// not on every call. Unprepared, parsing and analysing a create's half-dozen statements took
    /// PostgreSQL longer than running them (perf, README Performance).
    /// </summary>
    public const int MaxAutoPrepare = 200;

    public const int AutoPrepareMinUsages = 2;

    /// <summary>
    /// Prepared, but planned for each execution's values, as an unprepared statement is. A cached
    /// generic plan guesses the values: for the log writer's chaining UPDATE it chose a hash join
    /// over the whole log (1 ms a batch, and growing), and the relay's read and mark and the
    /// replica's read of its copies slowed alike; the exchange answered 224 writes/s of 500 asked
    /// with generic plans, 347 without (bench.sh exchange, 2026-12-03).
    /// </summary>
    public const string PlanEachExecution = "-c plan_cache_mode=force_custom_plan";

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

        if (builder.Options?.Contains("plan_cache_mode", StringComparison.Ordinal) != true)
        {
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? PlanEachExecution : builder.Options + " " + PlanEachExecution;
        }

        return builder.ConnectionString;
    }
}
