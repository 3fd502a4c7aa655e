namespace Argus.Hosting.Persistence;

public enum DatabaseProvider
{
    /// <summary>Embedded: a file in the data folder, nothing to install.</summary>
    Sqlite,

    PostgreSql,
}

/// <summary>The "Database" configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// For SQLite, defaults to a file in the data folder (Argus:DataDirectory). Required for PostgreSQL,
    /// e.g. "Host=db;Database=argus_nl;Username=argus_nl;Password=…".
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations at start-up. Turn off where a DBA applies them.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
