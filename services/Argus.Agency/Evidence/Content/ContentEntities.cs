using Argus.Agency.Shared;

namespace Argus.Agency.Evidence.Content;

/// <summary>An upload of an item's content: what the uploader declared, and how far it got.</summary>
public sealed class EvidenceUpload
{
    public const string Collection = "uploads";

    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    /// <summary>The item's storage key: its uploads go when it is erased.</summary>
    public long ItemSequence { get; set; }

    public string ItemName { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public long SizeBytes { get; set; }

    public string MediaType { get; set; } = "";

    public string FileName { get; set; } = "";

    public string ClientId { get; set; } = "";

    public DateTimeOffset CreateTime { get; set; }

    public string? RequestId { get; set; }

    public UploadState State { get; set; }

    /// <summary>Why it was discarded, for whoever asks about it later.</summary>
    public string? DiscardReason { get; set; }

    public string Name => $"{ItemName}/{Collection}/{Id}";

    public string Key => ContentKeys.Upload(Id);
}

public enum UploadState
{
    Receiving = 1,
    Complete = 2,
    Discarded = 3,
}

/// <summary>
/// A partner's item this agency received in a handover: the hash it verified over the content it
/// fetched from the owner on arrival, kept in this agency's own content store.
/// </summary>
public sealed class ReceivedEvidence
{
    public long Sequence { get; set; }

    public AgencyCode Owner { get; set; }

    public string ItemName { get; set; } = "";

    /// <summary>The owner's handover event this receipt acknowledged.</summary>
    public string Handover { get; set; } = "";

    /// <summary>Empty for a physical item.</summary>
    public string VerifiedSha256 { get; set; } = "";

    public long SizeBytes { get; set; }

    public DateTimeOffset ReceiveTime { get; set; }

    public string ClientId { get; set; } = "";
}

/// <summary>A row of content in the database store (PostgreSQL); mapped here so the migrations create its table.</summary>
public sealed class ContentChunk
{
    public string Key { get; set; } = "";

    public long Offset { get; set; }

    public int Length { get; set; }

    public byte[] Data { get; set; } = [];
}
