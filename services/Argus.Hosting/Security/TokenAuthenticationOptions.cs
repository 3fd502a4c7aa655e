namespace Argus.Hosting.Security;

/// <summary>The "Argus:Auth" section: where tokens come from and whom they must be for.</summary>
public sealed class TokenAuthenticationOptions
{
    public const string Section = "Argus:Auth";

    /// <summary>The identity server's issuer, e.g. "https://localhost:5100/". Its discovery document and JWKS are fetched from there and cached.</summary>
    public string? Authority { get; set; }

    /// <summary>PEM of the CA that issued the servers' TLS certificates, when it is not in the system store.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>
    /// Only in the Development environment, and only for measuring what validation costs
    /// (bench.sh): serve without tokens.
    /// </summary>
    public bool DisableForBenchmarks { get; set; }
}
