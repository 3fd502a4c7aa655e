using System.Text.RegularExpressions;
using Argus.Hosting.Errors;
using Google.Protobuf.WellKnownTypes;

namespace Argus.Agency.Shared;

/// <summary>
/// Reads one field of a request into its domain form, or says what is wrong with it against its
/// field path. Values come back trimmed; a missing required value adds a violation.
/// </summary>
internal static partial class Input
{
    public static string Text(string? value, string field, FieldErrors errors, int maxLength, bool required = false, bool multiline = false)
    {
        var text = value?.Trim() ?? "";
        if (required && text.Length == 0)
        {
            errors.Add(field, "is required.");
        }
        else if (text.Length > maxLength)
        {
            errors.Add(field, $"is longer than {maxLength} characters.");
        }
        else if (text.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            errors.Add(field, "contains control characters.");
        }

        return text;
    }

    public static TTo Enum<TFrom, TTo>(TFrom value, string field, FieldErrors errors)
        where TFrom : struct, System.Enum
        where TTo : struct, System.Enum
    {
        if (EnumMap<TFrom, TTo>.TryMap(value, out var mapped))
        {
            return mapped;
        }

        errors.Add(field, Convert.ToInt32(value) == 0 ? "is required." : $"has unknown value {Convert.ToInt32(value)}.");
        return default;
    }

    public static DateTimeOffset Time(Timestamp? value, string field, FieldErrors errors)
    {
        if (value is null)
        {
            errors.Add(field, "is required.");
            return default;
        }

        return OptionalTime(value, field, errors) ?? default;
    }

    public static DateTimeOffset? OptionalTime(Timestamp? value, string field, FieldErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        // Protobuf allows years 1 to 9999; no police record predates 1900.
        if (value.Seconds < MinSeconds || value.Seconds > MaxSeconds || value.Nanos is < 0 or > 999_999_999)
        {
            errors.Add(field, "is not a time between 1900 and 2200.");
            return null;
        }

        return TruncateToMicroseconds(value.ToDateTimeOffset());
    }

    /// <summary>
    /// PostgreSQL keeps microseconds; cutting there for every provider makes what a create returns
    /// equal to what a later read returns.
    /// </summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);

    public static string Country(string? value, string field, FieldErrors errors, bool required = true)
    {
        var code = value?.Trim() ?? "";
        if (code.Length == 0)
        {
            if (required)
            {
                errors.Add(field, "is required (ISO 3166-1 alpha-2, e.g. \"NL\").");
            }
        }
        else if (!CountryCode().IsMatch(code))
        {
            errors.Add(field, $"\"{Shorten(code)}\" is not an ISO 3166-1 alpha-2 country code such as \"NL\" or \"BE\".");
        }

        return code;
    }

    /// <summary>Echo a bad value back in a message without echoing a novel.</summary>
    /// <summary>A SHA-256 as 64 hexadecimal digits, lowercased.</summary>
    public static string Sha256(string value, string field, FieldErrors errors)
    {
        var hex = value.Trim().ToLowerInvariant();
        errors.Check(hex.Length == 64 && hex.All(char.IsAsciiHexDigit), field, "must be a SHA-256 as 64 hexadecimal digits.");
        return hex;
    }

    public static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static readonly long MinSeconds = new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    private static readonly long MaxSeconds = new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCode();
}
