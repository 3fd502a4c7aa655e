using Argus.Agency.Domain.Shared;

namespace Argus.Agency.Domain.Lookups;

/// <summary>
/// A partner's hit/no-hit lookup that hit: what matched stays here, with this agency, until an
/// officer decides a follow-up. No-hit lookups leave only their processing-log entry.
/// </summary>
public sealed class Lookup
{
    public const string Collection = "lookups";

    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public AgencyCode Requester { get; set; }

    public string RequestedBy { get; set; } = "";

    /// <summary>"national identifier", "name and date of birth" or "handle": never the searched value itself.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The matched records' names; never shown to the requester.</summary>
    public List<string> Matches { get; set; } = [];

    public DateTimeOffset CreateTime { get; set; }

    public string Name => $"{Collection}/{Id}";
}

public enum FollowUpState
{
    Pending = 1,
    Approved = 2,
    Refused = 3,
}

/// <summary>A partner's request for the details behind a hit, and the owner's decision on it.</summary>
public sealed class FollowUp
{
    public const string Collection = "followUps";

    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public string LookupId { get; set; } = "";

    public AgencyCode Requester { get; set; }

    public string RequestedBy { get; set; } = "";

    public string Purpose { get; set; } = "";

    public FollowUpState State { get; set; } = FollowUpState.Pending;

    public string? DecidedBy { get; set; }

    public string? DecisionReason { get; set; }

    /// <summary>On approval: the shares made, by name.</summary>
    public List<string> Shares { get; set; } = [];

    public DateTimeOffset CreateTime { get; set; }

    public DateTimeOffset? DecideTime { get; set; }

    /// <summary>Concurrency token: two officers deciding at once cannot both win.</summary>
    public int Version { get; set; }

    public string Name => $"{Lookup.Collection}/{LookupId}/{Collection}/{Id}";
}
