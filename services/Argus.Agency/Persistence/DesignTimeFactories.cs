using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Argus.Agency.Persistence;

// Used only by `dotnet ef migrations add`; the connection strings are never opened.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAgencyDbContext>
{
    public SqliteAgencyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAgencyDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAgencyDbContext>
{
    public PostgresAgencyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAgencyDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
