using Argus.Agency.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Replica;

/// <summary>
/// This agency's copy of a record a partner shared with it: whose it is, how it may be handled,
/// when it arrived, and the record itself as the owner disclosed it (its protobuf JSON, so a copy
/// reads back exactly as the owner's API returned it).
/// </summary>
public sealed class ForeignRecord
{
    public const string Collection = "partners";

    public long Sequence { get; set; }

    public AgencyCode Owner { get; set; }

    /// <summary>The record's name on the owner's service.</summary>
    public string Record { get; set; } = "";

    /// <summary>The record's kind, by its stable name in the registry ("Arrest").</summary>
    public string Kind { get; set; } = "";

    public string OperationId { get; set; } = "";

    public int Version { get; set; }

    /// <summary>The stricter of the record's own code and the code it was shared under.</summary>
    public HandlingCode HandlingCode { get; set; }

    public string? HandlingRestrictions { get; set; }

    public DateTimeOffset ReceiveTime { get; set; }

    public DateTimeOffset OwnerUpdateTime { get; set; }

    public DateTimeOffset UpdateTime { get; set; }

    public string Content { get; set; } = "";

    public string Name => $"{Collection}/{Owner.Code()}/{Record}";
}

/// <summary>A message this agency has processed: a second delivery of it changes nothing.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; set; }

    public DateTimeOffset ProcessTime { get; set; }
}

/// <summary>How far this agency has read a partner's Sync stream.</summary>
public sealed class SyncCursor
{
    public AgencyCode Owner { get; set; }

    public long Cursor { get; set; }
}

internal sealed class ForeignRecordConfiguration : IEntityTypeConfiguration<ForeignRecord>
{
    public void Configure(EntityTypeBuilder<ForeignRecord> copy)
    {
        copy.ToTable("ForeignRecords");
        copy.HasKey(x => x.Sequence);
        copy.HasIndex(x => new { x.Owner, x.Record }).IsUnique();
        copy.HasIndex(x => new { x.Owner, x.OperationId });
        // Two events about one record applied at once (version 4 and 5 of an item in quick
        // succession): the later commit must not overwrite the newer copy unseen.
        copy.Property(x => x.Version).IsConcurrencyToken();
        copy.Property(x => x.Kind).HasMaxLength(32);
        copy.Property(x => x.Record).HasMaxLength(200);
        copy.Property(x => x.OperationId).HasMaxLength(64);
        copy.Property(x => x.HandlingRestrictions).HasMaxLength(1000);
        copy.Ignore(x => x.Name);
    }
}

internal sealed class InboxMessageConfiguration : IEntityTypeConfiguration<InboxMessage>
{
    public void Configure(EntityTypeBuilder<InboxMessage> inbox)
    {
        inbox.ToTable("InboxMessages");
        inbox.HasKey(x => x.MessageId);
    }
}

internal sealed class SyncCursorConfiguration : IEntityTypeConfiguration<SyncCursor>
{
    public void Configure(EntityTypeBuilder<SyncCursor> cursor)
    {
        cursor.ToTable("SyncCursors");
        cursor.HasKey(x => x.Owner);
    }
}

/// <summary>
/// That the owner erased a record, or stopped sharing a record or a whole operation, at a time
/// (the event's, on the owner's clock). Events that carry a record's content can arrive after the
/// revocation that followed them; one written before the tombstone's time brings nothing back.
/// </summary>
public sealed class ForeignTombstone
{
    public AgencyCode Owner { get; set; }

    /// <summary>The record's or the operation's resource name.</summary>
    public string Scope { get; set; } = "";

    public DateTimeOffset At { get; set; }
}

internal sealed class ForeignTombstoneConfiguration : IEntityTypeConfiguration<ForeignTombstone>
{
    public void Configure(EntityTypeBuilder<ForeignTombstone> tombstone)
    {
        tombstone.ToTable("ForeignTombstones");
        tombstone.HasKey(x => new { x.Owner, x.Scope });
        tombstone.Property(x => x.Scope).HasMaxLength(300);
    }
}
