using System.Security.Claims;
using Argus.Identity.Clients;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Argus.Identity.Tokens;

/// <summary>
/// The client credentials grant. OpenIddict has already authenticated the client (certificate or
/// secret) and checked that it may ask for these scopes and resources; this decides what the
/// access token says: the client as subject, its scopes, and the audiences it asked for (or all it
/// may have). A mutual-TLS client must present its certificate, so its token is always bound.
/// </summary>
internal static class TokenEndpoint
{
    public const string AgencyClaim = "argus_agency";

    /// <summary>"true" on the tokens of an agency's own service (argus-nl, argus-be), and on no other client's.</summary>
    public const string AgencyServiceClaim = "argus_agency_service";

    public static async Task<IResult> IssueAsync(HttpContext http, OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication> applications)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict request is missing: the token endpoint is not registered with OpenIddict.");
        if (!request.IsClientCredentialsGrantType())
        {
            return Refuse(Errors.UnsupportedGrantType, "Only the client credentials grant is supported.");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted);
        if (application is null)
        {
            return Refuse(Errors.InvalidClient, "Unknown client.");
        }

        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, http.RequestAborted);
        var profile = ClientProfile.From(descriptor.Properties);
        if (profile.Disabled)
        {
            return Refuse(Errors.InvalidClient, "The client is disabled.");
        }

        if (profile.Authentication == AuthenticationMethod.MutualTls && http.Connection.ClientCertificate is null)
        {
            return Refuse(Errors.InvalidClient, "This client authenticates with its certificate: present it in the TLS handshake.");
        }

        var scopes = request.GetScopes();
        if (scopes.IsEmpty)
        {
            scopes = [.. Permitted(descriptor, Permissions.Prefixes.Scope)];
        }

        var resources = request.GetResources();
        if (resources.IsEmpty)
        {
            resources = [.. Permitted(descriptor, Permissions.Prefixes.Resource)];
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId);
        if (profile.Agency is { } agency)
        {
            // Whom the client acts for: the services tell their own agency from partners by it.
            identity.SetClaim(AgencyClaim, agency);
        }

        if (profile.Kind == ClientKind.AgencyService)
        {
            // What only a partner's service may do (record custody for its own clients) is told by it.
            identity.SetClaim(AgencyServiceClaim, "true");
        }

        identity.SetScopes(scopes);
        identity.SetResources(resources);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IEnumerable<string> Permitted(OpenIddictApplicationDescriptor descriptor, string prefix) =>
        descriptor.Permissions.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p[prefix.Length..]);

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
