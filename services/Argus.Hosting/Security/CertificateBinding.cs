using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
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

        if (ParsedConfirmations.TryGetValue(confirmation, out var known))
        {
            return known;
        }

        using var json = JsonDocument.Parse(confirmation);
        var thumbprint = json.RootElement.TryGetProperty("x5t#S256", out var value) ? value.GetString() ?? "" : "";
        if (ParsedConfirmations.Count > 10_000)
        {
            ParsedConfirmations.Clear();
        }

        ParsedConfirmations[confirmation] = thumbprint;
        return thumbprint;
    }

    // A client presents the same token, hence the same cnf, for minutes: parse it once.
    private static readonly ConcurrentDictionary<string, string> ParsedConfirmations = new(StringComparer.Ordinal);

    /// <summary>The thumbprint of the connection's client certificate, computed once per connection.</summary>
    public static string? PresentedThumbprint(HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate;
        if (certificate is null)
        {
            return null;
        }

        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(typeof(CertificateBinding), out var cached) && cached is string thumbprint)
        {
            return thumbprint;
        }

        thumbprint = Thumbprint(certificate);
        if (items is not null)
        {
            items[typeof(CertificateBinding)] = thumbprint;
        }

        return thumbprint;
    }

    /// <summary>Null when the binding holds (or there is none); otherwise why it does not.</summary>
    public static string? Check(ClaimsPrincipal principal, HttpContext context)
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

        var actual = PresentedThumbprint(context);
        if (actual is null)
        {
            return "the token is bound to a client certificate and the connection presented none";
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(bound))
            ? null
            : "the token is bound to another client certificate than the connection's";
    }
}

/// <summary>A token whose certificate binding does not hold on this connection; the message says how.</summary>
public sealed class CertificateBindingException(string message) : Exception(message);
