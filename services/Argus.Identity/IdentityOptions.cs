using Argus.Client.Security;

namespace Argus.Identity;

/// <summary>The "Identity" configuration section.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>The issuer: the URL clients and services use, e.g. https://localhost:5100/.</summary>
    public string Issuer { get; set; } = "https://localhost:5100/";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a rotated-out secret keeps working.</summary>
    public TimeSpan SecretRotationGracePeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a superseded signing key stays published, so tokens it signed stay valid.</summary>
    public TimeSpan SigningKeyGracePeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Folder of the signing and encryption keys; defaults to "keys" in the data folder.</summary>
    public string? KeysDirectory { get; set; }

    /// <summary>PEM of the CA that issues client certificates (mutual TLS).</summary>
    public string? ClientCaCertificatePath { get; set; }

    public List<string> Audiences { get; set; } = [ArgusAudiences.Agency("nl"), ArgusAudiences.Agency("be"), ArgusAudiences.Identity];

    /// <summary>The first administrator's secret; generated and written to the data folder when not set.</summary>
    public string? BootstrapAdminSecret { get; set; }

    public string BootstrapAdminClientId { get; set; } = "argus-admin";
}
