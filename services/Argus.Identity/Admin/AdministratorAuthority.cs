using System.Security.Claims;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Argus.Hosting.Security;
using Argus.Identity.Clients;
using Argus.Identity.Tokens;

namespace Argus.Identity.Admin;

/// <summary>
/// Whom a calling administrator administers, from its token. With <see cref="ArgusScopes.AdminJit"/>
/// it is JIT-wide: clients of both agencies and clients that act for none. Otherwise it administers
/// the clients of its own agency (its token's <c>argus_agency</c>) only, and never one that holds
/// argus.admin.jit (whoever could rotate that one's secret would be JIT-wide). An administrator
/// with neither administers nothing. Which scopes a client may hold is ClientRegistry's business.
/// </summary>
internal sealed class AdministratorAuthority
{
    private AdministratorAuthority(string actor, string? agency, bool jitWide)
    {
        Actor = actor;
        Agency = agency;
        JitWide = jitWide;
    }

    /// <summary>The administrator's client id, as the trail records it.</summary>
    public string Actor { get; }

    /// <summary>The agency it acts for, or null.</summary>
    public string? Agency { get; }

    /// <summary>Whether it holds argus.admin.jit.</summary>
    public bool JitWide { get; }

    /// <summary>The caller's authority; refuses one that administers nothing.</summary>
    public static AdministratorAuthority For(ClaimsPrincipal user)
    {
        var actor = user.FindFirstValue("sub") is { Length: > 0 } subject ? subject : throw new AccessDeniedException("The token names no client.");
        var agency = user.FindFirstValue(TokenEndpoint.AgencyClaim) is { Length: > 0 } code ? code : null;
        var jitWide = user.HasScope(ArgusScopes.AdminJit);
        if (agency is null && !jitWide)
        {
            throw new AccessDeniedException(
                $"clients/{actor} acts for no agency and does not hold {ArgusScopes.AdminJit}, so it administers no client; "
                + "register administrators with the agency they act for, or ask a JIT-wide administrator.");
        }

        return new AdministratorAuthority(actor, agency, jitWide);
    }

    /// <summary>Whether it may read and change <paramref name="client"/>.</summary>
    public bool CanManage(ClientView client) => JitWide || WithinOwnAgency(client.Agency, client.Scopes);

    /// <summary>Refuses a client it may not read or change.</summary>
    public void Check(ClientView client)
    {
        if (CanManage(client))
        {
            return;
        }

        throw new AccessDeniedException(client.Agency == Agency
            ? $"{client.Name} holds {ArgusScopes.AdminJit}; only a JIT-wide administrator manages it."
            : $"{client.Name} does not act for agency {Agency}; ask a JIT-wide administrator.");
    }

    /// <summary>
    /// The agency of a client it registers: an agency administrator's own (the default when none is
    /// asked for), any for a JIT-wide one (none asked for: a JIT-wide client).
    /// </summary>
    public string? AgencyForNewClient(string? requested)
    {
        var asked = requested is { Length: > 0 } code ? code : null;
        if (JitWide)
        {
            return asked;
        }

        if (asked is null || string.Equals(asked, Agency, StringComparison.OrdinalIgnoreCase))
        {
            return asked ?? Agency;
        }

        throw new AccessDeniedException(
            $"clients/{Actor} registers clients of agency {Agency} only; a client for agency {asked} needs a JIT-wide administrator ({ArgusScopes.AdminJit}).");
    }

    /// <summary>Refuses to grant argus.admin.jit unless it is JIT-wide itself.</summary>
    public void CheckGrant(IEnumerable<string> scopes)
    {
        if (!JitWide && scopes.Contains(ArgusScopes.AdminJit))
        {
            throw new AccessDeniedException($"Only a JIT-wide administrator may grant {ArgusScopes.AdminJit}.");
        }
    }

    /// <summary>
    /// Refuses a trail it may not read: a JIT-wide administrator reads every client's, an agency
    /// administrator that of one client of its agency (<paramref name="client"/>: the target, null
    /// when there is none or it no longer exists).
    /// </summary>
    public void CheckTrail(string target, ClientView? client)
    {
        if (JitWide)
        {
            return;
        }

        if (target.Length == 0)
        {
            throw new AccessDeniedException(
                $"Listing every client's trail needs {ArgusScopes.AdminJit}; name a client of agency {Agency} as the target.");
        }

        if (client is null)
        {
            throw new AccessDeniedException(
                $"{target} does not exist, so it is no client of agency {Agency}; the trail of a deleted client needs {ArgusScopes.AdminJit}.");
        }

        Check(client);
    }

    /// <summary>
    /// Whether a change to a client with this agency and these scopes took JIT-wide authority: an
    /// administrator of the caller's agency without argus.admin.jit could not have made it.
    /// </summary>
    public bool NeedsJitWide(ClientView client) => !WithinOwnAgency(client.Agency, client.Scopes);

    private bool WithinOwnAgency(string? agency, IReadOnlyList<string> scopes) =>
        Agency is not null && agency == Agency && !scopes.Contains(ArgusScopes.AdminJit);
}
