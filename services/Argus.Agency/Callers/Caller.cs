using System.Security.Claims;
using Argus.Agency.Shared;
using Microsoft.AspNetCore.Http;

namespace Argus.Agency.Callers;

/// <summary>Who is asking, for which agency, and why: the token's client and argus_agency claim, and the x-argus-justification header.</summary>
public sealed class Caller(IHttpContextAccessor http, IJurisdiction jurisdiction)
{
    public const string JustificationHeader = "x-argus-justification";
    public const int MaxJustificationLength = 500;

    private bool? isPartner;

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
    public bool IsPartner => isPartner ??= Agency is { } agency && !string.Equals(agency, jurisdiction.Agency.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>The partner as an agency code; null for the owner's callers, and for an agency unknown here (nothing is shared with it).</summary>
    public AgencyCode? Partner => IsPartner && Enum.TryParse<AgencyCode>(Agency, ignoreCase: true, out var code) ? code : null;

    public string Justification
    {
        get
        {
            var value = http.HttpContext?.Request.Headers[JustificationHeader].ToString() ?? "";
            return value.Length <= MaxJustificationLength ? value : value[..MaxJustificationLength];
        }
    }
}
