using Argus.Agency.Persistence;
using Argus.Agency.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Operations;

internal sealed class OperationConfiguration : IEntityTypeConfiguration<Operation>
{
    public void Configure(EntityTypeBuilder<Operation> operation)
    {
        operation.MapRecord("Operations");
        operation.HasIndex(x => x.Id).IsUnique();
        operation.Property(x => x.CodeName).HasMaxLength(100);
        operation.Property(x => x.InternalCaseNumber).HasMaxLength(64);
        operation.Property(x => x.LegalBasis).HasMaxLength(1000);
        operation.Property(x => x.Description).HasMaxLength(4000);
        operation.Property(x => x.ParticipatingAgencies).HasJsonColumn();
    }
}
