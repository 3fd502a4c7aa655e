using Argus.Agency.Persistence;
using Argus.Agency.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.HouseSearches;

internal sealed class HouseSearchConfiguration : IEntityTypeConfiguration<HouseSearch>
{
    public void Configure(EntityTypeBuilder<HouseSearch> search)
    {
        search.MapOperationRecord("HouseSearches");
        search.ComplexProperty(x => x.Address, ColumnMappings.MapLocation);
        search.Property(x => x.WarrantReference).HasMaxLength(100);
        search.Property(x => x.AuthorisedBy).HasMaxLength(200);
        search.Property(x => x.ResultSummary).HasMaxLength(4000);
    }
}
