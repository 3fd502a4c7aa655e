using System.Collections.Concurrent;
using Argus.Agency.Shared;
using Argus.Client;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Argus.Hosting.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Argus.Agency.Partners;

/// <summary>
/// This agency's connections to its partners, authenticated with its own credentials (one token
/// source, one channel per partner, kept for the life of the process).
/// </summary>
public sealed class PartnerClients : IDisposable
{
    private readonly IConfiguration configuration;
    private readonly string contentRoot;
    private readonly Lazy<(ClientCredentials Credentials, AccessTokenSource Tokens)> identity;
    private readonly ConcurrentDictionary<AgencyCode, Lazy<(Uri Address, AgencyClient Client)>> clients = new();

    public PartnerClients(IConfiguration configuration, IHostEnvironment environment)
    {
        this.configuration = configuration;
        contentRoot = environment.ContentRootPath;
        identity = new(CreateIdentity);
    }

    /// <summary>The partner's address and a client for it; FailedPrecondition when it is not configured.</summary>
    public (Uri Address, AgencyClient Client) For(AgencyCode partner) =>
        clients.GetOrAdd(partner, p => new Lazy<(Uri, AgencyClient)>(() => Create(p))).Value;

    public void Dispose()
    {
        foreach (var client in clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Client.Dispose();
        }

        if (identity.IsValueCreated)
        {
            identity.Value.Tokens.Dispose();
        }
    }

    private (Uri, AgencyClient) Create(AgencyCode partner)
    {
        var code = partner.Code();
        var address = configuration.GetSection($"{PartnerOptions.Section}:{partner}").Get<PartnerOptions>()?.Address
            ?? throw new PreconditionFailedException($"No address is configured for partner {code.ToUpperInvariant()} ({PartnerOptions.Section}:{partner}:Address).");
        var (credentials, tokens) = identity.Value;
        return (new Uri(address), AgencyClient.For(new Uri(address), code, tokens, credentials));
    }

    private (ClientCredentials, AccessTokenSource) CreateIdentity()
    {
        var options = configuration.GetSection(AgencyCredentialsOptions.Section).Get<AgencyCredentialsOptions>() ?? new();
        var auth = configuration.GetSection(TokenAuthenticationOptions.Section).Get<TokenAuthenticationOptions>() ?? new();
        if (options.ClientId is null || auth.Authority is null)
        {
            throw new PreconditionFailedException(
                $"This service has no credentials to call partners with: set {AgencyCredentialsOptions.Section}:ClientId and {TokenAuthenticationOptions.Section}:Authority.");
        }

        var credentials = new ClientCredentials
        {
            TokenEndpoint = new Uri(new Uri(auth.Authority), "connect/token"),
            ClientId = options.ClientId,
            ClientSecret = options.ClientSecret,
            Certificate = options.CertificatePath is { } cert && options.KeyPath is { } key ? ClientCredentials.LoadCertificate(Resolve(cert), Resolve(key)) : null,
            CaCertificate = auth.CaCertificatePath is { Length: > 0 } ca ? TrustedCertificates.LoadCa(Resolve(ca)) : null,
        };
        return (credentials, new AccessTokenSource(credentials));
    }

    private string Resolve(string path) => Path.GetFullPath(path, contentRoot);
}
