using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Persistence;

// One subclass per provider, so each has its own migrations (Persistence/Migrations/<Provider>).

public sealed class SqliteAgencyDbContext(DbContextOptions<SqliteAgencyDbContext> options) : AgencyDbContext(options);

public sealed class PostgresAgencyDbContext(DbContextOptions<PostgresAgencyDbContext> options) : AgencyDbContext(options);
