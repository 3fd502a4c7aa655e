namespace Argus.Agency.Evidence.Content;

/// <summary>The "Argus:Evidence" configuration section: content limits and where content is kept.</summary>
public sealed class EvidenceContentOptions
{
    public const string Section = "Argus:Evidence";

    /// <summary>The largest content accepted, in bytes; 64 GiB by default (a full server image fits, with room).</summary>
    public long MaxContentBytes { get; set; } = 64L * 1024 * 1024 * 1024;

    /// <summary>The media types accepted, lowercase; anything else is refused at CreateUpload.</summary>
    public List<string> MediaTypes { get; set; } =
    [
        "application/octet-stream", "application/zip", "application/x-7z-compressed", "application/gzip", "application/x-tar",
        "application/json", "application/x-ndjson", "application/pdf", "application/vnd.cellebrite.ufdr",
        "text/csv", "text/plain", "image/jpeg", "image/png", "video/mp4", "audio/mpeg",
    ];

    /// <summary>Where content is kept: "Files" (a folder, the default with SQLite) or "Database" (the default with PostgreSQL: every instance sees it).</summary>
    public string? Store { get; set; }

    /// <summary>The folder of the file store; "evidence" in the data folder by default.</summary>
    public string? Path { get; set; }

    /// <summary>How often <see cref="ContentJanitor"/> looks for content nothing refers to (it deletes at the second look).</summary>
    public TimeSpan JanitorInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An upload not finished in this long is discarded, and its bytes deleted.</summary>
    public TimeSpan AbandonedUploadAge { get; set; } = TimeSpan.FromDays(7);
}
