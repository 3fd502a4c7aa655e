namespace Argus.Agency.Audit;

/// <summary>What Directive (EU) 2016/680 Art. 25 requires to be logged.</summary>
public enum ProcessingAction
{
    Collection = 1,
    Alteration = 2,
    Consultation = 3,
    Disclosure = 4,
    Combination = 5,
    Erasure = 6,
}

/// <summary>
/// One entry of the processing log. Written once with the event it records; its place in the
/// chain (<see cref="Sequence"/>, <see cref="PreviousHash"/>, <see cref="Hash"/>) is given
/// moments later by the one sealer, and never changed after that.
/// </summary>
public sealed class AuditEntryEntity
{
    /// <summary>Storage key, in insertion order.</summary>
    public long Id { get; set; }

    /// <summary>Position in the chain from 1, without gaps; null until sealed.</summary>
    public long? Sequence { get; set; }

    public DateTimeOffset Time { get; set; }

    public string ClientId { get; set; } = "";

    public ProcessingAction Action { get; set; }

    public string Record { get; set; } = "";

    public string Justification { get; set; } = "";

    /// <summary>Comma-separated agency codes.</summary>
    public string Recipients { get; set; } = "";

    public string Details { get; set; } = "";

    public string? PreviousHash { get; set; }

    public string? Hash { get; set; }
}

/// <summary>What a caller did, before it has its place in the chain.</summary>
public sealed record ProcessingEvent(ProcessingAction Action, string Record, string Details = "", IReadOnlyList<string>? Recipients = null);
