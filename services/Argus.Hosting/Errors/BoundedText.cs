namespace Argus.Hosting.Errors;

/// <summary>
/// Error answers repeat what the caller sent (a name, an etag) so a developer sees what was wrong,
/// but never all of it: past ~50 KB of trailers a client's HPACK decoder gives up and every call on
/// the connection dies with it. Whatever the input, an error stays a few KB.
/// </summary>
public static class BoundedText
{
    /// <summary>The longest status message we send (grpc-message, and google.rpc.Status.message).</summary>
    public const int MaxMessageLength = 500;

    /// <summary>The most field violations one answer lists; the rest are counted in one more entry.</summary>
    public const int MaxViolations = 20;

    /// <summary>What all violations of one answer may add up to, in characters.</summary>
    public const int MaxViolationsLength = 2_000;

    /// <summary>The value itself when short; otherwise its start and how long it really was.</summary>
    public static string Shorten(string value, int max = 80) =>
        value.Length <= max ? value : string.Concat(value.AsSpan(0, max), $"… ({value.Length:N0} characters)");
}
