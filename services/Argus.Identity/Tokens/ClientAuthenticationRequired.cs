using Argus.Identity.Clients;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Argus.Identity.Tokens;

/// <summary>
/// RFC 6749 §5.2: a token request that carries no client authentication at all (no certificate in
/// the TLS handshake, no client_secret) is <c>invalid_client</c>, not <c>invalid_request</c>.
/// OpenIddict's own parameter checks (ValidateClientIdParameter, ValidateClientCredentialsParameters)
/// would say invalid_request, so this runs just before them. OpenIddict's ASP.NET Core host answers
/// invalid_client with HTTP 401 and <c>WWW-Authenticate: Basic error="invalid_client", …</c>
/// (AttachHttpResponseCode, AttachWwwAuthenticateHeader). The description says what to send: the
/// certificate for a mutual-TLS client, the secret for a secret client, and otherwise the methods
/// this server accepts.
/// </summary>
internal sealed class ClientAuthenticationRequired(OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication> applications)
    : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public const string CertificateRequired = "This client authenticates with its certificate: present it in the TLS handshake.";

    public const string SecretRequired =
        "This client authenticates with its secret: send client_id and client_secret in the Authorization header (client_secret_basic) or in the form (client_secret_post).";

    public const string AuthenticationRequired =
        "The request carries no client authentication. This server accepts tls_client_auth (a registered certificate presented in the TLS handshake) and client_secret_basic or client_secret_post (client_id and client_secret).";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<ClientAuthenticationRequired>()
            // Before ValidateClientIdParameter and ValidateClientCredentialsParameters; after
            // ValidateGrantType, though that does not matter: other grants are not looked at here.
            .SetOrder(Math.Min(
                OpenIddictServerHandlers.Exchange.ValidateClientIdParameter.Descriptor.Order,
                OpenIddictServerHandlers.Exchange.ValidateClientCredentialsParameters.Descriptor.Order) - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        var request = context.Request;
        if (!request.IsClientCredentialsGrantType()
            || !string.IsNullOrEmpty(request.ClientSecret)
            || !string.IsNullOrEmpty(request.ClientAssertion)
            || context.Transaction.RemoteCertificate is not null
            || context.Transaction.GetHttpRequest()?.HttpContext.Connection.ClientCertificate is not null)
        {
            // Some authentication is there: OpenIddict checks it.
            return;
        }

        var description = AuthenticationRequired;
        if (request.ClientId is { Length: > 0 } clientId
            && await applications.FindByClientIdAsync(clientId, context.CancellationToken) is { } application)
        {
            var profile = ClientProfile.From(await applications.GetPropertiesAsync(application, context.CancellationToken));
            description = profile.Authentication switch
            {
                AuthenticationMethod.MutualTls => CertificateRequired,
                AuthenticationMethod.ClientSecret => SecretRequired,
                _ => AuthenticationRequired,
            };
        }

        context.Reject(error: Errors.InvalidClient, description: description);
    }
}
