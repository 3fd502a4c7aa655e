namespace Argus.Agency.Shared;

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

    /// <summary>
    /// The stricter of two handlings, for a record shown under a share: the higher code (H3 counts
    /// as strictest); two H3 restrictions that differ both apply.
    /// </summary>
    public Handling StricterOf(Handling? other)
    {
        if (other is null || other.Code < Code)
        {
            return this;
        }

        if (other.Code > Code)
        {
            return other;
        }

        return Code == HandlingCode.H3 && other.Restrictions is { Length: > 0 } more && more != Restrictions
            ? this with { Restrictions = Restrictions is { Length: > 0 } mine ? $"{mine}; {more}" : more }
            : this;
    }
}
