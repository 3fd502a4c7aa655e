using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Argus.Hosting.Security;

/// <summary>
/// RFC 8705 certificate-bound tokens: a token whose "cnf" names a certificate thumbprint is only
/// good on a connection that presented that certificate, so a stolen token is useless alone.
/// </summary>
public static class CertificateBinding
{
    public const string ConfirmationClaim = "cnf";

    /// <summary>base64url(SHA-256(DER)), the x5t#S256 of RFC 8705.</summary>
    public static string Thumbprint(X509Certificate2 certificate) =>
        Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>The thumbprint the token is bound to, or null for an unbound token.</summary>
    public static string? BoundThumbprint(ClaimsPrincipal principal)
    {
        var confirmation = principal.FindFirst(ConfirmationClaim)?.Value;
        if (confirmation is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(confirmation);
        return json.RootElement.TryGetProperty("x5t#S256", out var thumbprint) ? thumbprint.GetString() ?? "" : "";
    }

    /// <summary>Null when the binding holds (or there is none); otherwise why it does not.</summary>
    public static string? Check(ClaimsPrincipal principal, X509Certificate2? presented)
    {
        string? bound;
        try
        {
            bound = BoundThumbprint(principal);
        }
        catch (JsonException)
        {
            return "the token's cnf claim is malformed";
        }

        if (bound is null)
        {
            return null;
        }

        if (presented is null)
        {
            return "the token is bound to a client certificate and the connection presented none";
        }

        var actual = Thumbprint(presented);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(bound))
            ? null
            : "the token is bound to another client certificate than the connection's";
    }
}
