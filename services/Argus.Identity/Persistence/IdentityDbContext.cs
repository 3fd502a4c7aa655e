using Microsoft.EntityFrameworkCore;

namespace Argus.Identity.Persistence;

/// <summary>
/// The identity server's store: OpenIddict's applications (the clients; tokens are not stored, see
/// IdentityHost) and the append-only trail of administrative actions.
/// </summary>
public abstract class IdentityDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<AdminEventEntity> AdminEvents => Set<AdminEventEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<AdminEventEntity>(events =>
        {
            events.ToTable("AdminEvents");
            events.HasKey(x => x.Sequence);
            events.Property(x => x.Actor).HasMaxLength(100);
            events.Property(x => x.Action).HasMaxLength(40);
            events.Property(x => x.Target).HasMaxLength(120);
            events.HasIndex(x => x.Target);
        });
    }
}

public sealed class SqliteIdentityDbContext(DbContextOptions<SqliteIdentityDbContext> options) : IdentityDbContext(options);

public sealed class PostgresIdentityDbContext(DbContextOptions<PostgresIdentityDbContext> options) : IdentityDbContext(options);

/// <summary>One administrative action: who, what, when, the client before and after (never secrets).</summary>
public sealed class AdminEventEntity
{
    public long Sequence { get; set; }

    public DateTimeOffset Time { get; set; }

    public string Actor { get; set; } = "";

    public string Action { get; set; } = "";

    public string Target { get; set; } = "";

    public string? BeforeJson { get; set; }

    public string? AfterJson { get; set; }
}
