using Argus.Agency.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Intercepts;

internal sealed class InterceptDatasetConfiguration : IEntityTypeConfiguration<InterceptDataset>
{
    public void Configure(EntityTypeBuilder<InterceptDataset> dataset)
    {
        dataset.MapOperationRecord("InterceptDatasets");
        dataset.Property(x => x.Source).HasMaxLength(500);
        dataset.Property(x => x.AuthorisationReference).HasMaxLength(100);
        dataset.PrimitiveCollection(x => x.SharedHandles);
        dataset.Ignore(x => x.SharedSubset);
    }
}
