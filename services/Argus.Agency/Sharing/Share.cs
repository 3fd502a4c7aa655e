using Argus.Agency.Persistence;
using Argus.Agency.Shared;
using Argus.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Sharing;

/// <summary>
/// The owner's decision to let a partner agency read a record — or every record of an operation —
/// under a handling code and for a purpose. Revoking keeps the share, stamped, for the record.
/// </summary>
public sealed class Share
{
    public const string Collection = "shares";

    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public string OperationId { get; set; } = "";

    /// <summary>The shared record's resource name, or the operation's name for all its records.</summary>
    public string Record { get; set; } = "";

    public AgencyCode Recipient { get; set; }

    public Handling Handling { get; set; } = new();

    public string Purpose { get; set; } = "";

    public string SharedBy { get; set; } = "";

    public DateTimeOffset CreateTime { get; set; }

    public DateTimeOffset? RevokeTime { get; set; }

    public string Name => $"operations/{OperationId}/{Collection}/{Id}";

    public bool IsActive => RevokeTime is null;

    /// <summary>Ends the share; false when it had already ended (revoking twice changes nothing).</summary>
    public bool Revoke(DateTimeOffset now)
    {
        if (!IsActive)
        {
            return false;
        }

        RevokeTime = now;
        return true;
    }

    /// <summary>The event that tells the recipient what it may now read.</summary>
    public RecordShared SharedEvent(AgencyCode owner) =>
        new(Guid.CreateVersion7(), owner.Code(), Record, 1, Handling.Code.ToString(), CreateTime);

    /// <summary>The event that tells the recipient to drop what the share covered.</summary>
    public ShareRevoked RevokedEvent(AgencyCode owner) =>
        new(Guid.CreateVersion7(), owner.Code(), Record, 1, Handling.Code.ToString(), RevokeTime ?? CreateTime);
}

internal sealed class ShareConfiguration : IEntityTypeConfiguration<Share>
{
    public void Configure(EntityTypeBuilder<Share> share)
    {
        share.ToTable("Shares");
        share.HasKey(x => x.Sequence);
        share.HasIndex(x => new { x.OperationId, x.Id }).IsUnique();
        share.HasIndex(x => new { x.Recipient, x.Record }); // may this partner read it?
        share.HasIndex(x => x.Record); // whom must a change of it be published to?
        share.Property(x => x.Id).HasMaxLength(64);
        share.Property(x => x.OperationId).HasMaxLength(64);
        share.Property(x => x.Record).HasMaxLength(200);
        share.Property(x => x.Purpose).HasMaxLength(500);
        share.Property(x => x.SharedBy).HasMaxLength(100);
        share.ComplexProperty(x => x.Handling, ColumnMappings.MapHandling);
        share.Ignore(x => x.Name);
        share.Ignore(x => x.IsActive);
    }
}
