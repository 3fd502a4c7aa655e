using Argus.Client;
using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Identity;
using Argus.Identity.V1;
using Microsoft.AspNetCore.Builder;

namespace Argus.Testing;

/// <summary>
/// The identity server running in this process on a real TLS socket, with a known bootstrap
/// administrator, so tests register their clients through the real admin API.
/// </summary>
public sealed class RunningIdentity : IAsyncDisposable
{
    public const string AdminSecret = "test-admin-secret-0123456789abcdef";

    private readonly WebApplication app;
    private readonly string folder;
    private readonly AccessTokenSource adminTokens;

    private RunningIdentity(WebApplication app, string folder, Uri issuer)
    {
        this.app = app;
        this.folder = folder;
        Issuer = issuer;
        var credentials = new ClientCredentials
        {
            TokenEndpoint = TokenEndpoint,
            ClientId = "argus-admin",
            ClientSecret = AdminSecret,
            CaCertificate = CaCertificate,
        };
        adminTokens = new AccessTokenSource(credentials);
        Admin = new IdentityAdminClient(issuer, adminTokens, credentials);
    }

    public Uri Issuer { get; }

    public Uri TokenEndpoint => new(Issuer, "connect/token");

    public string DataDirectory => folder;

    public IdentityAdminClient Admin { get; }

    public static System.Security.Cryptography.X509Certificates.X509Certificate2 CaCertificate =>
        TrustedCertificates.LoadCa(TestPki.Pki.CaCertificatePath);

    /// <summary>Starts an identity server; <paramref name="extraArgs"/> override configuration (--Identity:AccessTokenLifetime=…).</summary>
    public static async Task<RunningIdentity> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite, params string[] extraArgs)
    {
        var folder = Directory.CreateTempSubdirectory("argus-identity-").FullName;
        var port = TestPki.FreePort();
        var issuer = new Uri($"https://localhost:{port}/");
        var pki = TestPki.Pki;
        var args = new List<string>
        {
            $"--Kestrel:Endpoints:Https:Url=https://localhost:{port}",
            $"--Kestrel:Endpoints:Https:Certificate:Path={pki.CertificatePath("identity")}",
            $"--Kestrel:Endpoints:Https:Certificate:KeyPath={pki.KeyPath("identity")}",
            $"--Argus:DataDirectory={folder}",
            $"--Identity:Issuer={issuer}",
            $"--Identity:ClientCaCertificatePath={pki.CaCertificatePath}",
            $"--Identity:BootstrapAdminSecret={AdminSecret}",
            $"--Database:Provider={provider}",
            "--Logging:LogLevel:Default=Warning",
        };
        if (provider == DatabaseProvider.PostgreSql)
        {
            args.Add($"--Database:ConnectionString={await TestPostgres.CreateDatabaseAsync("identity")}");
        }

        args.AddRange(extraArgs);
        var app = await IdentityHost.BuildAsync([.. args], contentRoot: folder);
        await app.StartAsync();
        return new RunningIdentity(app, folder, issuer);
    }

    /// <summary>
    /// Registers a client through the admin API. Mutual TLS clients get a fresh certificate from the
    /// test CA; secret clients get the secret the server generated.
    /// </summary>
    /// <param name="agency">The agency the client acts for; null: the agency of its one agency audience, if it has exactly one; "": none (a JIT-wide client).</param>
    public async Task<ClientCredentials> RegisterAsync(string clientId, IEnumerable<string> audiences, IEnumerable<string> scopes, bool mutualTls = true,
        ClientKind kind = ClientKind.PartnerSystem, string? agency = null)
    {
        audiences = audiences.ToList();
        const string agencyAudience = "urn:argus:agency:";
        var agencies = audiences.Where(a => a.StartsWith(agencyAudience, StringComparison.Ordinal)).ToList();
        var request = new CreateClientRequest
        {
            ClientId = clientId,
            Kind = kind,
            Agency = agency ?? (agencies.Count == 1 && kind != ClientKind.Administrator ? agencies[0][agencyAudience.Length..] : ""),
            AuthenticationMethod = mutualTls ? AuthenticationMethod.MutualTls : AuthenticationMethod.ClientSecret,
        };
        request.Audiences.AddRange(audiences);
        request.Scopes.AddRange(scopes);
        (string Certificate, string Key)? files = null;
        if (mutualTls)
        {
            files = TestPki.IssueClientCertificate(clientId);
            request.CertificatesPem.Add(await File.ReadAllTextAsync(files.Value.Certificate));
        }

        var created = await Admin.Clients.CreateClientAsync(request);
        return new ClientCredentials
        {
            TokenEndpoint = TokenEndpoint,
            ClientId = clientId,
            ClientSecret = mutualTls ? null : created.ClientSecret,
            Certificate = files is { } f ? ClientCredentials.LoadCertificate(f.Certificate, f.Key) : null,
            CaCertificate = CaCertificate,
        };
    }

    /// <summary>
    /// Registers an agency service's own client (mutual TLS, argus_agency = <paramref name="agency"/>),
    /// as run.sh registers argus-nl and argus-be; returns its credentials and its certificate files,
    /// which <see cref="RunningAgency.StartAsync"/> takes as the service's own.
    /// </summary>
    public async Task<(ClientCredentials Credentials, (string ClientId, string Certificate, string Key) Own)> RegisterAgencyServiceAsync(
        string clientId, string agency, IEnumerable<string> audiences, IEnumerable<string> scopes)
    {
        var files = TestPki.IssueClientCertificate(clientId);
        var request = new CreateClientRequest
        {
            ClientId = clientId,
            Kind = ClientKind.AgencyService,
            Agency = agency,
            AuthenticationMethod = AuthenticationMethod.MutualTls,
            CertificatesPem = { await File.ReadAllTextAsync(files.Certificate) },
        };
        request.Audiences.AddRange(audiences);
        request.Scopes.AddRange(scopes);
        await Admin.Clients.CreateClientAsync(request);
        var credentials = new ClientCredentials
        {
            TokenEndpoint = TokenEndpoint,
            ClientId = clientId,
            Certificate = ClientCredentials.LoadCertificate(files.Certificate, files.Key),
            CaCertificate = CaCertificate,
        };
        return (credentials, (clientId, files.Certificate, files.Key));
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        adminTokens.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
