using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Argus.Agency.Audit;

/// <summary>Who is asking, and why: the token's client and the x-argus-justification header.</summary>
public sealed class Caller(IHttpContextAccessor http)
{
    public const string JustificationHeader = "x-argus-justification";
    public const int MaxJustificationLength = 500;

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

    public string Justification
    {
        get
        {
            var value = http.HttpContext?.Request.Headers[JustificationHeader].ToString() ?? "";
            return value.Length <= MaxJustificationLength ? value : value[..MaxJustificationLength];
        }
    }
}
