using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.ProcessingLog;

/// <summary>What Directive (EU) 2016/680 Art. 25 requires to be logged.</summary>
public enum ProcessingAction
{
    Collection = 1,
    Alteration = 2,
    Consultation = 3,
    Disclosure = 4,
    Combination = 5,
    Erasure = 6,
}

/// <summary>
/// One entry of the processing log. Written once with the event it records; its place in the
/// chain (<see cref="Sequence"/>, <see cref="PreviousHash"/>, <see cref="Hash"/>) is given
/// moments later by the one sealer, and never changed after that.
/// </summary>
public sealed class AuditEntryEntity
{
    /// <summary>Storage key, in insertion order.</summary>
    public long Id { get; set; }

    /// <summary>Position in the chain from 1, without gaps; null until sealed.</summary>
    public long? Sequence { get; set; }

    public DateTimeOffset Time { get; set; }

    public string ClientId { get; set; } = "";

    public ProcessingAction Action { get; set; }

    public string Record { get; set; } = "";

    public string Justification { get; set; } = "";

    /// <summary>Comma-separated agency codes.</summary>
    public string Recipients { get; set; } = "";

    public string Details { get; set; } = "";

    public string? PreviousHash { get; set; }

    public string? Hash { get; set; }
}

/// <summary>What a caller did, before it has its place in the chain.</summary>
public sealed record ProcessingEvent(ProcessingAction Action, string Record, string Details = "", IReadOnlyList<string>? Recipients = null);

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntryEntity>
{
    public void Configure(EntityTypeBuilder<AuditEntryEntity> entry)
    {
        entry.ToTable("AuditEntries");
        entry.HasKey(x => x.Id);
        // One place in the chain per entry: a second sealer cannot fork it.
        entry.HasIndex(x => x.Sequence).IsUnique();
        entry.Property(x => x.ClientId).HasMaxLength(100);
        entry.Property(x => x.Record).HasMaxLength(200);
        entry.Property(x => x.Justification).HasMaxLength(500);
        entry.Property(x => x.Recipients).HasMaxLength(100);
        entry.Property(x => x.PreviousHash).HasMaxLength(64);
        entry.Property(x => x.Hash).HasMaxLength(64);
        entry.HasIndex(x => x.Record);
    }
}
