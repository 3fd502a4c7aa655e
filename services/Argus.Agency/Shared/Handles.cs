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

        // Millions of handles pass here in a bulk load, nearly all already in this form (a partner's
        // copy always is): those come back as they are, without a new string.
        Span<char> lowered = stackalloc char[trimmed.Length];
        trimmed.ToLowerInvariant(lowered);
        return trimmed.Length == handle!.Length && lowered.SequenceEqual(trimmed) ? handle : new string(lowered);
    }
}
