using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Argus.Identity.Clients;

/// <summary>
/// OpenIddict's client checks with two Argus rules added: a rotated-out secret keeps working until
/// its grace period ends, and a client certificate must not only chain to the Argus CA but also be
/// one registered for that very client (so one agency's certificate never authenticates another).
/// Disabled clients fail every check, so they get no new token.
/// </summary>
public sealed class ArgusApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    TimeProvider clock)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public override async ValueTask<bool> ValidateClientSecretAsync(OpenIddictEntityFrameworkCoreApplication application, string secret, CancellationToken cancellationToken = default)
    {
        var profile = await ProfileAsync(application, cancellationToken);
        if (profile.Disabled || profile.Authentication != AuthenticationMethod.ClientSecret)
        {
            return false;
        }

        if (await base.ValidateClientSecretAsync(application, secret, cancellationToken))
        {
            return true;
        }

        return profile.PreviousSecretHash is { } previous
            && profile.PreviousSecretExpires > clock.GetUtcNow()
            && await ValidateClientSecretAsync(secret, previous, cancellationToken);
    }

    public override async ValueTask<bool> ValidatePublicKeyInfrastructureTlsClientCertificateAsync(
        OpenIddictEntityFrameworkCoreApplication application, X509Certificate2 certificate, X509ChainPolicy policy, CancellationToken cancellationToken = default)
    {
        var profile = await ProfileAsync(application, cancellationToken);
        if (profile.Disabled || profile.Authentication != AuthenticationMethod.MutualTls)
        {
            return false;
        }

        var thumbprint = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
        if (!profile.Certificates.Any(c => c.Sha256Thumbprint == thumbprint))
        {
            return false;
        }

        using var chain = new X509Chain { ChainPolicy = policy.Clone() };
        chain.ChainPolicy.VerificationTime = clock.GetUtcNow().UtcDateTime;
        return chain.Build(certificate);
    }

    public override ValueTask<bool> ValidateSelfSignedTlsClientCertificateAsync(
        OpenIddictEntityFrameworkCoreApplication application, X509Certificate2 certificate, X509ChainPolicy policy, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(false); // Argus client certificates come from the CA.

    private async ValueTask<ClientProfile> ProfileAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken) =>
        ClientProfile.From(await GetPropertiesAsync(application, cancellationToken));
}
