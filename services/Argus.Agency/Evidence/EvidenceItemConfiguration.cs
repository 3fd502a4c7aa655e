using Argus.Agency.Persistence;
using Argus.Agency.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Evidence;

internal sealed class EvidenceItemConfiguration : IEntityTypeConfiguration<EvidenceItem>
{
    public void Configure(EntityTypeBuilder<EvidenceItem> item)
    {
        item.MapOperationRecord("EvidenceItems");
        item.HasIndex(x => new { x.OperationId, x.ExhibitNumber }).IsUnique();
        item.Property(x => x.ExhibitNumber).HasMaxLength(50);
        item.Property(x => x.Description).HasMaxLength(4000);
        item.ComplexProperty(x => x.Quantity);
        item.ComplexProperty(x => x.SeizedAt, ColumnMappings.MapLocation);
        item.Property(x => x.StorageLocation).HasMaxLength(500);
        item.Property(x => x.HouseSearchId).HasMaxLength(64);
        item.Property(x => x.ArrestId).HasMaxLength(64);
        item.OwnsOne(x => x.Content, content =>
        {
            content.Property(x => x.Sha256).HasMaxLength(64);
            content.Property(x => x.MediaType).HasMaxLength(100);
            content.Property(x => x.FileName).HasMaxLength(255);
        });
        item.Property(x => x.Custodian).HasMaxLength(200);
        item.Property(x => x.PendingHandover).HasMaxLength(300);
        item.Property(x => x.PendingReceiver).HasMaxLength(200);
        item.Property(x => x.CustodyHead).HasMaxLength(64);
    }
}
