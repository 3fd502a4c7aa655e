using System.Text.Json;
using Argus.Client.Security;
using Microsoft.Extensions.Logging;

namespace Argus.Identity.Clients;

/// <summary>
/// The first administrator, so that someone can register the others. It is JIT-wide
/// (argus.admin.jit): it registers the administrators of both agencies. Its secret comes from
/// configuration (Identity:BootstrapAdminSecret) or is generated and written once, readable by the
/// owner only, to the data folder. One created before argus.admin.jit existed gets it at start-up,
/// through the registry and so in the trail, with the actor "system".
/// </summary>
internal static partial class AdminBootstrap
{
    public const string FileName = "bootstrap-admin.json";

    public static async Task EnsureAsync(ClientRegistry registry, IdentityOptions options, string dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        ClientView? existing = null;
        try
        {
            existing = await registry.GetAsync(options.BootstrapAdminClientId, cancellationToken);
        }
        catch (Hosting.Errors.ResourceNotFoundException)
        {
        }

        if (existing is not null)
        {
            if (existing.Kind == ClientKind.Administrator && !existing.Scopes.Contains(ArgusScopes.AdminJit))
            {
                await registry.UpdateAsync(existing.ClientId, displayName: null, audiences: null, [.. existing.Scopes, ArgusScopes.AdminJit], "system", cancellationToken);
                LogMadeJitWide(logger, existing.ClientId);
            }

            return;
        }

        var (admin, secret) = await registry.CreateAsync(
            new NewClient(options.BootstrapAdminClientId, "Bootstrap administrator", ClientKind.Administrator, AuthenticationMethod.ClientSecret,
                [ArgusAudiences.Identity], [ArgusScopes.Admin, ArgusScopes.AdminRead, ArgusScopes.AdminJit], []),
            "system", cancellationToken);
        if (options.BootstrapAdminSecret is { Length: > 0 } configured)
        {
            // Replace the generated secret with the configured one.
            await registry.SetSecretAsync(admin.ClientId, configured, cancellationToken);
            LogConfigured(logger, admin.ClientId);
            return;
        }

        var path = Path.Combine(dataDirectory, FileName);
        var credentials = new BootstrapCredentials(admin.ClientId, secret!, new Uri(new Uri(options.Issuer), "connect/token").ToString(), options.Issuer);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Owner-only from the first byte, not chmod-ed after.
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(path, fileOptions))
        {
            await JsonSerializer.SerializeAsync(file, credentials, ClientProfile.Json, cancellationToken);
        }

        LogGenerated(logger, admin.ClientId, path);
    }

    public sealed record BootstrapCredentials(string ClientId, string ClientSecret, string TokenEndpoint, string Issuer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first administrator {ClientId}; its secret is in {Path} (owner-only). Register named administrators, then delete it.")]
    private static partial void LogGenerated(ILogger logger, string clientId, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first administrator {ClientId} with the configured secret.")]
    private static partial void LogConfigured(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The first administrator {ClientId} now holds argus.admin.jit: it administers the clients of every agency.")]
    private static partial void LogMadeJitWide(ILogger logger, string clientId);
}
