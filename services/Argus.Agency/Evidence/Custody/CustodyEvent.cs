using Argus.Agency.Shared;

namespace Argus.Agency.Evidence.Custody;

public enum CustodyAction
{
    Seized = 1,
    Stored = 2,
    ContentAcquired = 3,
    HandedOver = 4,
    HandoverAcknowledged = 5,
    Examined = 6,
    IntegrityVerified = 7,
    IntegrityCompromised = 8,
    Returned = 9,
    Destroyed = 10,
}

/// <summary>
/// One event of an evidence item's chain of custody: who did what with it, when, where and on
/// what authority. Append-only: events are never changed or removed (except with the item itself,
/// when it is erased); each names the hash of the one before (see Argus.Client.Evidence.CustodyChain).
/// </summary>
public sealed class CustodyEvent
{
    public const string Collection = "custodyEvents";

    /// <summary>Storage key.</summary>
    public long Sequence { get; set; }

    /// <summary>The item's storage key: the events go when the item is erased.</summary>
    public long ItemSequence { get; set; }

    public EvidenceItem? Item { get; set; }

    public string ItemName { get; set; } = "";

    /// <summary>1 for the item's first event.</summary>
    public long Index { get; set; }

    public CustodyAction Action { get; set; }

    /// <summary>The authenticated client that recorded it; for a partner's event, the partner's service.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client the event was recorded for: the partner's own client, when its service recorded it; else "".</summary>
    public string ActingClientId { get; set; } = "";

    public AgencyCode Agency { get; set; }

    public string Officer { get; set; } = "";

    public DateTimeOffset Time { get; set; }

    public string TimeZone { get; set; } = "";

    public string StorageLocation { get; set; } = "";

    public string SealNumber { get; set; } = "";

    public string Authorisation { get; set; } = "";

    public string FromCustodian { get; set; } = "";

    public string ToCustodian { get; set; } = "";

    public string Purpose { get; set; } = "";

    public string Tool { get; set; } = "";

    public string ToolVersion { get; set; } = "";

    public string Result { get; set; } = "";

    public string VerifiedSha256 { get; set; } = "";

    public string Acknowledges { get; set; } = "";

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";

    public string Name => $"{ItemName}/{Collection}/{Index}";
}
