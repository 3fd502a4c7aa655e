using Argus.Client.Security;
using Argus.Hosting;
using Argus.Hosting.Persistence;
using Argus.Hosting.Security;
using Argus.Identity.Admin;
using Argus.Identity.Clients;
using Argus.Identity.Keys;
using Argus.Identity.Persistence;
using Argus.Identity.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Argus.Identity;

/// <summary>Builds the identity server: OpenIddict for the token protocol, our registry and API for administration.</summary>
public static class IdentityHost
{
    public static async Task<WebApplication> BuildAsync(string[] args, string? contentRoot = null, CancellationToken cancellationToken = default)
    {
        var builder = ArgusServiceDefaults.CreateBuilder(args, contentRoot);
        var section = builder.Configuration.GetSection(IdentityOptions.Section);
        var options = section.Get<IdentityOptions>() ?? new IdentityOptions();
        builder.Services.Configure<IdentityOptions>(section);
        var dataDirectory = Path.GetFullPath(builder.Configuration["Argus:DataDirectory"] ?? "data", builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);
        var keys = SigningKeyRing.LoadOrCreate(options.KeysDirectory ?? Path.Combine(dataDirectory, "keys"), options.SigningKeyGracePeriod, DateTimeOffset.UtcNow);
        var clientCa = options.ClientCaCertificatePath is { Length: > 0 } caPath ? TrustedCertificates.LoadCa(caPath) : null;

        builder.AddArgusDefaults(clientCa);
        builder.AddArgusTokenAuthentication(ArgusAudiences.Identity, () => keys.SigningKeys, options.Issuer);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new ClientCertificateAuthority(clientCa));
        builder.Services.AddScoped<ClientRegistry>();
        var database = builder.Services.AddArgusDatabase<IdentityDbContext, SqliteIdentityDbContext, PostgresIdentityDbContext>(
            builder.Configuration, Path.Combine(dataDirectory, "argus-identity.db"));

        builder.Services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>();
                core.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, ArgusApplicationManager>();
            })
            .AddServer(server =>
            {
                server.SetIssuer(new Uri(options.Issuer));
                server.SetTokenEndpointUris("connect/token");
                server.AllowClientCredentialsFlow();
                server.RegisterScopes([.. ArgusScopes.All]);
                server.RegisterResources([.. options.Audiences]);
                server.SetAccessTokenLifetime(options.AccessTokenLifetime);
                // Plain signed JWTs (RFC 9068) that any resource server can validate from the JWKS.
                server.DisableAccessTokenEncryption();
                // Tokens are self-contained and short-lived; nothing needs them stored.
                server.DisableTokenStorage();
                server.AddSigningKeys(keys.SigningKeys);
                server.AddEncryptionKey(keys.EncryptionKey);
                if (clientCa is not null)
                {
                    server.EnablePublicKeyInfrastructureTlsClientAuthentication([clientCa]);
                }

                server.UseClientCertificateBoundAccessTokens();
                server.Configure(o =>
                {
                    // Clients prove themselves with a certificate or a secret, nothing else.
                    o.ClientAuthenticationMethods.Remove(ClientAuthenticationMethods.PrivateKeyJwt);
                    o.ClientAuthenticationMethods.Remove(ClientAuthenticationMethods.ClientSecretJwt);
                });
                // A request with no client authentication at all is invalid_client (401), RFC 6749 §5.2.
                server.AddEventHandler(ClientAuthenticationRequired.Descriptor);
                server.UseAspNetCore().EnableTokenEndpointPassthrough();
            });

        var app = builder.Build();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await DatabaseRegistration.PrepareAsync(scope.ServiceProvider.GetRequiredService<IdentityDbContext>(), database, cancellationToken);
            await AdminBootstrap.EnsureAsync(scope.ServiceProvider.GetRequiredService<ClientRegistry>(), options, dataDirectory,
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminBootstrap)), cancellationToken);
        }

        app.MapArgusDefaults();
        app.MapPost("/connect/token", TokenEndpoint.IssueAsync).AllowAnonymous();
        app.MapGrpcService<ClientAdminGrpcService>();
        return app;
    }
}
