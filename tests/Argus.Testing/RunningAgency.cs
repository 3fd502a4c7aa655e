using Argus.Agency;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client;
using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Testing;

/// <summary>
/// An agency service running in this process on a real Kestrel TLS socket (HTTP/2 on a free
/// loopback port) with its own database, validating tokens of <see cref="RunningIdentity"/>,
/// exactly as its Program.cs would build it.
/// </summary>
public sealed class RunningAgency : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string folder;
    private readonly AccessTokenSource? tokens;

    private RunningAgency(WebApplication app, string folder, Uri address, string agencyCode, ClientCredentials? caller)
    {
        this.app = app;
        this.folder = folder;
        Address = address;
        AgencyCode = agencyCode;
        tokens = caller is null ? null : new AccessTokenSource(caller);
        Client = caller is null ? Anonymous() : AgencyClient.For(address, agencyCode, tokens!, caller);
    }

    public Uri Address { get; }

    /// <summary>The service's data folder (its SQLite database, its evidence files).</summary>
    public string DataDirectory => folder;

    public string AgencyCode { get; }

    /// <summary>A client calling as the caller given at start (or without a token when none was).</summary>
    public AgencyClient Client { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>A client calling as <paramref name="credentials"/>; dispose it.</summary>
    public AgencyClient ClientFor(ClientCredentials credentials, AccessTokenSource source) => AgencyClient.For(Address, AgencyCode, source, credentials);

    /// <summary>A client that trusts the CA and sends no token (optionally presenting a certificate).</summary>
    public AgencyClient Anonymous(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null) =>
        new(Address, new ArgusChannelOptions { HttpHandler = TrustedCertificates.Handler(RunningIdentity.CaCertificate, certificate) });

    /// <param name="caller">Whom <see cref="Client"/> calls as.</param>
    /// <param name="own">The agency's own credentials for calling partners.</param>
    /// <param name="partners">Partner agency code ("Be") → address.</param>
    public static async Task<RunningAgency> StartAsync(IJurisdiction jurisdiction, DatabaseProvider provider, RunningIdentity identity,
        ClientCredentials? caller = null, (string ClientId, string Certificate, string Key)? own = null, IReadOnlyDictionary<string, Uri>? partners = null,
        params string[] extraArgs)
    {
        var folder = Directory.CreateTempSubdirectory("argus-agency-").FullName;
        var code = jurisdiction.Agency.ToString().ToLowerInvariant();
        var pki = TestPki.Pki;
        var args = new List<string>
        {
            "--Kestrel:Endpoints:Grpc:Url=https://127.0.0.1:0",
            $"--Kestrel:Endpoints:Grpc:Certificate:Path={pki.CertificatePath($"{code}-server")}",
            $"--Kestrel:Endpoints:Grpc:Certificate:KeyPath={pki.KeyPath($"{code}-server")}",
            $"--Argus:DataDirectory={folder}",
            $"--Argus:Auth:Authority={identity.Issuer}",
            $"--Argus:Auth:CaCertificatePath={pki.CaCertificatePath}",
            $"--Database:Provider={provider}",
            "--Logging:LogLevel:Default=Warning",
        };
        if (own is { } credentials)
        {
            args.Add($"--Argus:Credentials:ClientId={credentials.ClientId}");
            args.Add($"--Argus:Credentials:CertificatePath={credentials.Certificate}");
            args.Add($"--Argus:Credentials:KeyPath={credentials.Key}");
        }

        foreach (var (partner, partnerAddress) in partners ?? new Dictionary<string, Uri>())
        {
            args.Add($"--Argus:Partners:{partner}:Address={partnerAddress}");
        }

        if (provider == DatabaseProvider.PostgreSql)
        {
            args.Add($"--Database:ConnectionString={await TestPostgres.CreateDatabaseAsync(code)}");
        }

        args.AddRange(extraArgs);
        var app = await AgencyHost.BuildAsync([.. args], jurisdiction, contentRoot: folder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningAgency(app, folder, new Uri(address), code, caller);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        tokens?.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is the OS's to clean up with the temp folder.
        }
    }
}
