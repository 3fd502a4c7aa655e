namespace Argus.Agency.Shared;

/// <summary>
/// Handles (a Sky ECC account, a phone number) are the join key between datasets, arrests'
/// subjects and lookups, so all of them compare one form: trimmed, lower-case (invariant).
/// </summary>
public static class Handles
{
    public const int MaxLength = 200;

    /// <summary>The compared form, or null when <paramref name="handle"/> is empty, too long, or has control characters.</summary>
    public static string? Normalize(string? handle)
    {
        var trimmed = handle.AsSpan().Trim();
        if (trimmed.Length is 0 or > MaxLength)
        {
            return null;
        }

        foreach (var c in trimmed)
        {
            if (char.IsControl(c))
            {
                return null;
            }
        }

        return trimmed.ToString().ToLowerInvariant();
    }
}
