using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Hosting.Persistence;

/// <summary>
/// How every Argus service picks its database: SQLite (embedded, the default) or PostgreSQL, from
/// the "Database" section. Each service has one DbContext subclass per provider, each with its own
/// migrations; everything else sees only the common base type.
/// </summary>
public static class DatabaseRegistration
{
    public static DatabaseOptions AddArgusDatabase<TContext, TSqlite, TPostgres>(
        this IServiceCollection services, IConfiguration configuration, string defaultSqliteFile, Action<DbContextOptionsBuilder>? configure = null)
        where TContext : DbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = options.ConnectionString ?? $"Data Source={defaultSqliteFile};Pooling=True";
                services.AddDbContextPool<TSqlite>(db =>
                {
                    db.UseSqlite(sqlite);
                    configure?.Invoke(db);
                });
                services.AddScoped<TContext>(provider => provider.GetRequiredService<TSqlite>());
                break;
            case DatabaseProvider.PostgreSql:
                var postgres = PostgresConnections.WithDefaults(options.ConnectionString
                    ?? throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is PostgreSql."));
                services.AddDbContextPool<TPostgres>(db =>
                {
                    db.UseNpgsql(postgres);
                    configure?.Invoke(db);
                });
                services.AddScoped<TContext>(provider => provider.GetRequiredService<TPostgres>());
                break;
            default:
                throw new InvalidOperationException($"Database:Provider {options.Provider} is not supported; use Sqlite or PostgreSql.");
        }

        return options;
    }

    /// <summary>Applies migrations (unless a DBA does) and sets SQLite to write-ahead logging.</summary>
    public static async Task PrepareAsync(DbContext db, DatabaseOptions options, CancellationToken cancellationToken)
    {
        if (options.MigrateOnStartup)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (db.Database.IsSqlite())
        {
            // Write-ahead logging lets readers proceed while one writer commits.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
