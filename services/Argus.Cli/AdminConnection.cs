using System.Text.Json;
using Argus.Client;
using Argus.Client.Security;

namespace Argus.Cli;

/// <summary>
/// Where the administrator's credentials come from: a JSON file like the identity server's
/// bootstrap-admin.json ({"clientId", "clientSecret", "tokenEndpoint", "issuer"}), named by
/// --credentials or ARGUS_ADMIN_CREDENTIALS; the CA by --ca or ARGUS_CA.
/// </summary>
internal sealed record AdminConnection(string CredentialsPath, string? CaPath, string? IdentityUrl)
{
    public IdentityAdminClient Connect(out AccessTokenSource tokens)
    {
        var (issuer, credentials) = Load();
        tokens = new AccessTokenSource(credentials);
        return new IdentityAdminClient(issuer, tokens, credentials);
    }

    /// <summary>The identity server's issuer and the credentials in the file.</summary>
    public (Uri Issuer, ClientCredentials Credentials) Load()
    {
        if (!File.Exists(CredentialsPath))
        {
            throw new CliException(ExitCodes.Usage, $"No credentials at {CredentialsPath}: pass --credentials FILE or set ARGUS_ADMIN_CREDENTIALS.");
        }

        var file = JsonSerializer.Deserialize<CredentialsFile>(File.ReadAllText(CredentialsPath), Json)
            ?? throw new CliException(ExitCodes.Usage, $"{CredentialsPath} is not a credentials file.");
        var issuer = new Uri(IdentityUrl ?? file.Issuer ?? throw new CliException(ExitCodes.Usage, "The identity server's URL is unknown: pass --identity."));
        var credentials = new ClientCredentials
        {
            TokenEndpoint = file.TokenEndpoint is { Length: > 0 } endpoint && IdentityUrl is null ? new Uri(endpoint) : new Uri(issuer, "connect/token"),
            ClientId = file.ClientId ?? throw new CliException(ExitCodes.Usage, $"{CredentialsPath} has no clientId."),
            ClientSecret = file.ClientSecret,
            Certificate = file.CertificatePath is { Length: > 0 } certificate && file.KeyPath is { Length: > 0 } key
                ? ClientCredentials.LoadCertificate(certificate, key)
                : null,
            CaCertificate = CaPath is { Length: > 0 } ca ? TrustedCertificates.LoadCa(ca) : null,
        };
        return (issuer, credentials);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>{"clientId", "clientSecret" or "certificatePath" + "keyPath", "tokenEndpoint", "issuer"}.</summary>
    private sealed record CredentialsFile(string? ClientId, string? ClientSecret, string? CertificatePath, string? KeyPath, string? TokenEndpoint, string? Issuer);
}

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int Refused = 2;
    public const int NotFound = 3;
    public const int Unauthorized = 4;
    public const int Unavailable = 5;
    public const int ChainBroken = 6;

    /// <summary>The chain holds, but the log no longer extends a head the partner agency witnessed.</summary>
    public const int WitnessContradicted = 7;
}

/// <summary>A failure the CLI reports in one line and an exit code, without a stack trace.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
