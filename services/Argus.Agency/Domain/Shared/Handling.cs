namespace Argus.Agency.Domain.Shared;

/// <summary>Europol-style handling codes: what a recipient may do with a record.</summary>
public enum HandlingCode
{
    /// <summary>For preventing and combating crime only.</summary>
    H0 = 1,

    /// <summary>Not to be used in court without the owner's permission.</summary>
    H1 = 2,

    /// <summary>No onward sharing without the owner's permission.</summary>
    H2 = 3,

    /// <summary>Other restrictions, stated as text.</summary>
    H3 = 4,
}

/// <summary>The handling code a record carries, with the restriction text H3 requires.</summary>
public sealed record Handling
{
    public HandlingCode Code { get; init; }

    public string? Restrictions { get; init; }
}
