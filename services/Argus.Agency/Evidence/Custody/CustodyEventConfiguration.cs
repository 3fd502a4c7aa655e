using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Evidence.Custody;

internal sealed class CustodyEventConfiguration : IEntityTypeConfiguration<CustodyEvent>
{
    public void Configure(EntityTypeBuilder<CustodyEvent> custody)
    {
        custody.ToTable("CustodyEvents");
        custody.HasKey(x => x.Sequence);
        // One event per index: two writers appending at once cannot fork an item's history.
        custody.HasIndex(x => new { x.ItemSequence, x.Index }).IsUnique();
        custody.HasOne(x => x.Item).WithMany().HasForeignKey(x => x.ItemSequence).OnDelete(DeleteBehavior.Cascade);
        custody.Property(x => x.ItemName).HasMaxLength(200);
        custody.Property(x => x.ClientId).HasMaxLength(100);
        custody.Property(x => x.ActingClientId).HasMaxLength(100);
        custody.Property(x => x.Officer).HasMaxLength(200);
        custody.Property(x => x.TimeZone).HasMaxLength(64);
        custody.Property(x => x.StorageLocation).HasMaxLength(500);
        custody.Property(x => x.SealNumber).HasMaxLength(100);
        custody.Property(x => x.Authorisation).HasMaxLength(500);
        custody.Property(x => x.FromCustodian).HasMaxLength(200);
        custody.Property(x => x.ToCustodian).HasMaxLength(200);
        custody.Property(x => x.Purpose).HasMaxLength(1000);
        custody.Property(x => x.Tool).HasMaxLength(200);
        custody.Property(x => x.ToolVersion).HasMaxLength(100);
        custody.Property(x => x.Result).HasMaxLength(4000);
        custody.Property(x => x.VerifiedSha256).HasMaxLength(64);
        custody.Property(x => x.Acknowledges).HasMaxLength(300);
        custody.Property(x => x.PreviousHash).HasMaxLength(64);
        custody.Property(x => x.Hash).HasMaxLength(64);
        custody.Ignore(x => x.Name);
    }
}
