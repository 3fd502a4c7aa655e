using Argus.Agency.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// What this agency holds of one dataset's messages — its own, or its copy of a partner's: the
/// key its rows carry (and, with PostgreSQL, its partition's name), counts, whether its indexes are
/// built, the import running into it, and for a copy how far the pull got.
/// </summary>
public sealed class DatasetContents
{
    public long Key { get; set; }

    public AgencyCode Owner { get; set; }

    /// <summary>The dataset's name at its owner.</summary>
    public string Dataset { get; set; } = "";

    public bool Foreign { get; set; }

    /// <summary>The sequence the next message gets: keyset order and pull cursor within the dataset.</summary>
    public long NextSequence { get; set; } = 1;

    public long MessageCount { get; set; }

    /// <summary>
    /// The indexes searches use (handles, sequence and time) exist, and the unique index of message
    /// ids too — except on a partner's copy after its first pull, until <see cref="FullTextIndexed"/>.
    /// A first load writes without them and builds them at its end (far faster than keeping them up
    /// row by row); later loads write into the indexed table.
    /// </summary>
    public bool Indexed { get; set; }

    /// <summary>What the background indexer builds is there: the full-text index, and on a copy its unique index.</summary>
    public bool FullTextIndexed { get; set; }

    /// <summary>The import now running or interrupted: while set, the dataset is half-imported, and no other import may start.</summary>
    public long? ActiveImport { get; set; }

    /// <summary>On a copy: the owner's sequence of the last message of the last batch committed.</summary>
    public long PullCursor { get; set; }

    /// <summary>On a copy: the subset the owner shared, as of the last pull or change.</summary>
    public List<string> SharedHandles { get; set; } = [];

    public DateTimeOffset? SharedFrom { get; set; }

    public DateTimeOffset? SharedUntil { get; set; }

    public DateTimeOffset UpdateTime { get; set; }

    public int Version { get; set; }

    public MessageSubset SharedSubset => new(SharedHandles, SharedFrom, SharedUntil);
}

/// <summary>One import of a file into a dataset: its progress (to resume it) and counts.</summary>
public sealed class InterceptImport
{
    public const string Collection = "imports";

    public long Key { get; set; }

    public string Id { get; set; } = "";

    public long DatasetKey { get; set; }

    public string Dataset { get; set; } = "";

    public ImportFormat Format { get; set; }

    public ImportState State { get; set; }

    public long Imported { get; set; }

    public long Rejected { get; set; }

    public long Duplicates { get; set; }

    /// <summary>Bytes of the file taken in, in whole lines, committed with the rows.</summary>
    public long CommittedBytes { get; set; }

    public long CommittedLines { get; set; }

    /// <summary>A CSV file's header line, kept so that a resumed import reads its columns.</summary>
    public string? CsvHeader { get; set; }

    /// <summary>The first rejected rows as "line\treason" lines.</summary>
    public string Rejections { get; set; } = "";

    public string ClientId { get; set; } = "";

    public DateTimeOffset StartTime { get; set; }

    public DateTimeOffset? EndTime { get; set; }

    public string Name => $"{Dataset}/{Collection}/{Id}";
}

public enum ImportFormat
{
    Ndjson = 1,
    Csv = 2,
}

public enum ImportState
{
    Running = 1,
    Interrupted = 2,
    Complete = 3,
    RolledBack = 4,
}

internal sealed class DatasetContentsConfiguration : IEntityTypeConfiguration<DatasetContents>, IEntityTypeConfiguration<InterceptImport>
{
    public void Configure(EntityTypeBuilder<DatasetContents> contents)
    {
        contents.ToTable("InterceptDatasetContents");
        contents.HasKey(x => x.Key);
        contents.Property(x => x.Dataset).HasMaxLength(200);
        contents.HasIndex(x => new { x.Owner, x.Dataset }).IsUnique();
        contents.PrimitiveCollection(x => x.SharedHandles);
        contents.Property(x => x.Version).IsConcurrencyToken();
        contents.Ignore(x => x.SharedSubset);
    }

    public void Configure(EntityTypeBuilder<InterceptImport> import)
    {
        import.ToTable("InterceptImports");
        import.HasKey(x => x.Key);
        import.Property(x => x.Id).HasMaxLength(64);
        import.HasIndex(x => x.Id).IsUnique();
        import.Property(x => x.Dataset).HasMaxLength(200);
        import.HasIndex(x => x.DatasetKey);
        import.Property(x => x.CsvHeader).HasMaxLength(4000);
        import.Property(x => x.Rejections).HasMaxLength(64_000);
        import.Property(x => x.ClientId).HasMaxLength(200);
        import.Ignore(x => x.Name);
    }
}
