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

/// <summary>One entry of the processing log. Written once, never updated; chained by hash.</summary>
public sealed class AuditEntryEntity
{
    public long Sequence { get; set; }

    public DateTimeOffset Time { get; set; }

    public string ClientId { get; set; } = "";

    public ProcessingAction Action { get; set; }

    public string Record { get; set; } = "";

    public string Justification { get; set; } = "";

    /// <summary>Comma-separated agency codes.</summary>
    public string Recipients { get; set; } = "";

    public string Details { get; set; } = "";

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";
}

/// <summary>What a caller did, before it has its place in the chain.</summary>
public sealed record ProcessingEvent(ProcessingAction Action, string Record, string Details = "", IReadOnlyList<string>? Recipients = null);
