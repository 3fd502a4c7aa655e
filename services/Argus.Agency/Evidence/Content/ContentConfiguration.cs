using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Evidence.Content;

internal sealed class EvidenceUploadConfiguration : IEntityTypeConfiguration<EvidenceUpload>
{
    public void Configure(EntityTypeBuilder<EvidenceUpload> upload)
    {
        upload.ToTable("EvidenceUploads");
        upload.HasKey(x => x.Sequence);
        upload.HasIndex(x => x.Id).IsUnique();
        upload.HasIndex(x => x.RequestId).IsUnique();
        upload.HasOne<EvidenceItem>().WithMany().HasForeignKey(x => x.ItemSequence).OnDelete(DeleteBehavior.Cascade);
        upload.Property(x => x.Id).HasMaxLength(64);
        upload.Property(x => x.ItemName).HasMaxLength(200);
        upload.Property(x => x.Sha256).HasMaxLength(64);
        upload.Property(x => x.MediaType).HasMaxLength(100);
        upload.Property(x => x.FileName).HasMaxLength(255);
        upload.Property(x => x.ClientId).HasMaxLength(100);
        upload.Property(x => x.RequestId).HasMaxLength(36);
        upload.Property(x => x.DiscardReason).HasMaxLength(500);
        upload.Ignore(x => x.Name);
        upload.Ignore(x => x.Key);
    }
}

internal sealed class ReceivedEvidenceConfiguration : IEntityTypeConfiguration<ReceivedEvidence>
{
    public void Configure(EntityTypeBuilder<ReceivedEvidence> received)
    {
        received.ToTable("ReceivedEvidence");
        received.HasKey(x => x.Sequence);
        received.HasIndex(x => new { x.Owner, x.ItemName, x.Handover }).IsUnique();
        received.Property(x => x.ItemName).HasMaxLength(200);
        received.Property(x => x.Handover).HasMaxLength(300);
        received.Property(x => x.VerifiedSha256).HasMaxLength(64);
        received.Property(x => x.ClientId).HasMaxLength(100);
    }
}

internal sealed class ContentChunkConfiguration : IEntityTypeConfiguration<ContentChunk>
{
    public void Configure(EntityTypeBuilder<ContentChunk> chunk)
    {
        chunk.ToTable("EvidenceContentChunks");
        chunk.HasKey(x => new { x.Key, x.Offset });
        chunk.Property(x => x.Key).HasMaxLength(80);
    }
}
