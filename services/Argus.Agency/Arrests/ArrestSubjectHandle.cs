using Argus.Agency.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Arrests;

/// <summary>
/// One phone number or messenger handle of an arrest's subject, in the form every handle is
/// compared in (<see cref="Handles.Normalize"/>): the key table hit/no-hit lookups search by index,
/// as they search intercepted messages, instead of reading every arrest's subject. Written with
/// the arrest, replaced when its subject changes, gone with it.
/// </summary>
public sealed class ArrestSubjectHandle
{
    public long Id { get; set; }

    public long ArrestSequence { get; set; }

    public CommunicationType Type { get; set; }

    public string Handle { get; set; } = "";
}

internal sealed class ArrestSubjectHandleConfiguration : IEntityTypeConfiguration<ArrestSubjectHandle>
{
    public void Configure(EntityTypeBuilder<ArrestSubjectHandle> handle)
    {
        handle.ToTable("ArrestSubjectHandles");
        handle.HasKey(x => x.Id);
        handle.Property(x => x.Handle).HasMaxLength(Handles.MaxLength);
        handle.HasIndex(x => new { x.Type, x.Handle });
        handle.HasOne<Arrest>().WithMany(x => x.SubjectHandles).HasForeignKey(x => x.ArrestSequence).OnDelete(DeleteBehavior.Cascade);
    }
}
