namespace Argus.Agency.Shared;

/// <summary>
/// The business rules every kind of record shares, named for what they require. Each kind's own
/// rules sit beside its entity (ArrestRules, EvidenceRules, OperationRules), and the entity checks
/// them (CheckRules), reporting each broken one against the field it concerns.
/// </summary>
public static class RecordRules
{
    /// <summary>Clocks drift; a few minutes ahead is not "in the future".</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>H3 means "other restrictions", so it is meaningless without saying which.</summary>
    public static bool H3StatesItsRestrictions(HandlingCode code, string? restrictions) =>
        code != HandlingCode.H3 || !string.IsNullOrWhiteSpace(restrictions);

    /// <summary>Arrests and seizures are recorded after the fact.</summary>
    public static bool HasHappened(DateTimeOffset time, DateTimeOffset now) => time <= now + ClockSkew;
}
