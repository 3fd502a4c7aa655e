using System.Buffers.Text;
using System.Text;
using Argus.Hosting.Errors;

namespace Argus.Agency.Records;

/// <summary>
/// A page of a list (AIP-158). The token carries where the last page ended and which query it
/// belongs to, so a token cannot silently be reused for another query.
/// </summary>
public readonly record struct PageRequest(int Size, long After)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 1000;

    public static PageRequest From(int pageSize, string pageToken, string query)
    {
        var errors = new FieldErrors();
        errors.Check(pageSize is >= 0 and <= MaxSize, "page_size", $"must be between 1 and {MaxSize} (0 for the default of {DefaultSize}).");
        long after = 0;
        if (pageToken.Length > 0 && !TryDecode(pageToken, query, out after))
        {
            errors.Add("page_token", "is not a token this list returned for the same query.");
        }

        errors.ThrowIfAny();
        return new PageRequest(pageSize == 0 ? DefaultSize : pageSize, after);
    }

    public static string NextToken(long lastSequence, string query) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{lastSequence}|{query}"));

    private static bool TryDecode(string token, string query, out long after)
    {
        after = 0;
        if (token.Length > 512)
        {
            return false;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var separator = text.IndexOf('|', StringComparison.Ordinal);
            return separator > 0 && text[(separator + 1)..] == query && long.TryParse(text.AsSpan(0, separator), out after) && after > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
