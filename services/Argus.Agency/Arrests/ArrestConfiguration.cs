using Argus.Agency.Persistence;
using Argus.Agency.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Arrests;

internal sealed class ArrestConfiguration : IEntityTypeConfiguration<Arrest>
{
    public void Configure(EntityTypeBuilder<Arrest> arrest)
    {
        arrest.MapOperationRecord("Arrests");
        arrest.ComplexProperty(x => x.Subject, person =>
        {
            person.Property(x => x.GivenNames).HasMaxLength(200);
            person.Property(x => x.FamilyName).HasMaxLength(200);
            person.Property(x => x.NationalIdentifierCountry).HasMaxLength(2);
            person.Property(x => x.NationalIdentifierValue).HasMaxLength(32);
            person.Property(x => x.Nationalities).HasJsonColumn();
            person.Property(x => x.Aliases).HasJsonColumn();
            person.Property(x => x.CommunicationIdentifiers).HasJsonColumn();
        });
        arrest.ComplexProperty(x => x.Place, ColumnMappings.MapLocation);
        arrest.Property(x => x.Offences).HasJsonColumn();
        arrest.Property(x => x.LegalBasis).HasMaxLength(1000);
        arrest.Property(x => x.HouseSearchId).HasMaxLength(64);
    }
}
