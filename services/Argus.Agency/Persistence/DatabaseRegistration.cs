using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Agency.Persistence;

internal static class DatabaseRegistration
{
    /// <summary>
    /// Registers the configured provider's context, pooled, and exposes it as <see cref="AgencyDbContext"/>
    /// so nothing else needs to know which provider is in use.
    /// </summary>
    public static DatabaseOptions AddAgencyDatabase(this IServiceCollection services, IConfiguration configuration, string defaultSqliteFile)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = options.ConnectionString ?? $"Data Source={defaultSqliteFile};Pooling=True";
                services.AddDbContextPool<SqliteAgencyDbContext>(db => db.UseSqlite(sqlite));
                services.AddScoped<AgencyDbContext>(provider => provider.GetRequiredService<SqliteAgencyDbContext>());
                break;
            case DatabaseProvider.PostgreSql:
                var postgres = options.ConnectionString
                    ?? throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is PostgreSql.");
                services.AddDbContextPool<PostgresAgencyDbContext>(db => db.UseNpgsql(postgres));
                services.AddScoped<AgencyDbContext>(provider => provider.GetRequiredService<PostgresAgencyDbContext>());
                break;
            default:
                throw new InvalidOperationException($"Database:Provider {options.Provider} is not supported; use Sqlite or PostgreSql.");
        }

        return options;
    }

    public static async Task PrepareAsync(AgencyDbContext db, DatabaseOptions options, CancellationToken cancellationToken)
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
