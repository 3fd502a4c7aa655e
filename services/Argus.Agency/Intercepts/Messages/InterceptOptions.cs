namespace Argus.Agency.Intercepts.Messages;

/// <summary>Argus:Intercepts: how imports are cut into transactions and what one line may hold.</summary>
public sealed class InterceptOptions
{
    public const string Section = "Argus:Intercepts";

    /// <summary>Rows per transaction: a resumed import repeats at most this many.</summary>
    public int BatchRows { get; set; } = 20_000;

    /// <summary>A longer line is rejected (and skipped to its end) without being held whole.</summary>
    public int MaxLineBytes { get; set; } = 256 * 1024;

    /// <summary>A running import or pull that has not committed for this long has lost its stream.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    /// <summary>One import's file: larger is refused (ResourceExhausted).</summary>
    public long MaxImportBytes { get; set; } = 64L << 30;
}
