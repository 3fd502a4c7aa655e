using System.Security.Claims;
using Argus.Agency.Shared;
using Microsoft.AspNetCore.Http;

namespace Argus.Agency.Callers;

/// <summary>Who is asking, for which agency, and why: the token's client and argus_agency claim, and the justification header.</summary>
public sealed class Caller(IHttpContextAccessor http, IJurisdiction jurisdiction)
{
    /// <summary>Why the caller consults: ASCII text (gRPC metadata values are ASCII).</summary>
    public const string JustificationHeader = "x-argus-justification";

    /// <summary>The same as UTF-8 bytes, for text beyond ASCII ("Liège"): a gRPC binary header, base64 on the wire. It wins over the ASCII one.</summary>
    public const string JustificationBinaryHeader = "x-argus-justification-bin";

    public const int MaxJustificationLength = 500;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private bool? isPartner;
    private bool? actsForThisAgency;
    private string? justification;

    public string ClientId
    {
        get
        {
            var user = http.HttpContext?.User;
            return user?.FindFirstValue("client_id") ?? user?.FindFirstValue("sub") ?? "anonymous";
        }
    }

    /// <summary>The agency the caller acts for (its token's argus_agency claim), or null for a JIT-wide tool.</summary>
    public string? Agency => http.HttpContext?.User.FindFirstValue("argus_agency");

    /// <summary>Whether the caller acts for another agency than this one (asked several times a request: read once).</summary>
    public bool IsPartner => isPartner ??= Agency is { } agency && !ActsForThisAgency;

    /// <summary>
    /// Whether the caller acts for this agency: only such callers record, change and share its
    /// records. A partner does not, and neither does a JIT-wide tool (a client that acts for no
    /// agency): it reads what its scopes allow, and nothing more.
    /// </summary>
    public bool ActsForThisAgency => actsForThisAgency ??= string.Equals(Agency, jurisdiction.Agency.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An agency's own service (argus-nl, argus-be: its token says so, as the identity server
    /// registered it), as opposed to any other client of that agency.
    /// </summary>
    public bool IsAgencyService => http.HttpContext?.User.FindFirstValue("argus_agency_service") == "true";

    /// <summary>A client that acts for no agency: a tool of the joint investigation team as a whole.</summary>
    public bool IsJitWide => Agency is null;

    /// <summary>The partner as an agency code; null for the owner's callers, and for an agency unknown here (nothing is shared with it).</summary>
    public AgencyCode? Partner => IsPartner && Enum.TryParse<AgencyCode>(Agency, ignoreCase: true, out var code) ? code : null;

    /// <summary>The stated reason, decoded, at most <see cref="MaxJustificationLength"/> characters; "" when none was given.</summary>
    public string Justification => justification ??= ReadJustification();

    private string ReadJustification()
    {
        var headers = http.HttpContext?.Request.Headers;
        if (headers is null)
        {
            return "";
        }

        var value = headers[JustificationBinaryHeader].ToString() is { Length: > 0 } encoded
            ? Decode(encoded)
            : headers[JustificationHeader].ToString();
        return value.Length <= MaxJustificationLength ? value : value[..MaxJustificationLength];
    }

    private static string Decode(string encoded)
    {
        // gRPC implementations may leave the base64 padding off.
        var padded = encoded.Trim();
        padded += new string('=', (4 - padded.Length % 4) % 4);
        try
        {
            return StrictUtf8.GetString(Convert.FromBase64String(padded));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw Argus.Hosting.Errors.FieldErrors.Invalid(JustificationBinaryHeader, "is not base64 of UTF-8 text.");
        }
    }
}
