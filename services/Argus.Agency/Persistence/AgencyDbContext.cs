using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Persistence;

/// <summary>
/// The agency's database. It knows no entity: each feature maps its own tables with an
/// <see cref="IEntityTypeConfiguration{TEntity}"/> beside its entities (ArrestConfiguration,
/// ShareConfiguration, …), found here by reflection, so this folder depends on no feature and a
/// new record kind adds no line here. One model for both providers; each provider has its own
/// subclass only so that each keeps its own migrations (SqliteAgencyDbContext, PostgresAgencyDbContext).
/// </summary>
public abstract class AgencyDbContext(DbContextOptions options) : DbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums as their names: readable for a DBA, and safe when members are added.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AgencyDbContext).Assembly);
}
