using Argus.Agency.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Records;

/// <summary>The columns every record table has; each kind's configuration starts here.</summary>
public static class RecordConfiguration
{
    public static void MapRecord<T>(this EntityTypeBuilder<T> record, string table)
        where T : Record
    {
        record.ToTable(table);
        record.HasKey(x => x.Sequence);
        record.Property(x => x.Id).HasMaxLength(64);
        record.Property(x => x.Version).IsConcurrencyToken();
        record.Property(x => x.RequestId).HasMaxLength(36);
        record.HasIndex(x => x.RequestId).IsUnique();
        record.ComplexProperty(x => x.Handling, ColumnMappings.MapHandling);
        record.Ignore(x => x.Name);
        record.Ignore(x => x.OperationName);
        record.Ignore(x => x.Etag);
        record.Ignore(x => x.Kind);
    }

    public static void MapOperationRecord<T>(this EntityTypeBuilder<T> record, string table)
        where T : OperationRecord
    {
        record.MapRecord(table);
        record.Property(x => x.OperationId).HasMaxLength(64);
        record.HasIndex(x => new { x.OperationId, x.Id }).IsUnique();
    }
}
