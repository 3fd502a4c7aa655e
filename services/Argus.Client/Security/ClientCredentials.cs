using System.Security.Cryptography.X509Certificates;

namespace Argus.Client.Security;

/// <summary>
/// Who a partner system or agency service is to the identity server: a client id and either a
/// certificate (mutual TLS, tokens bound to it) or a secret.
/// </summary>
public sealed class ClientCredentials
{
    /// <summary>The identity server's token endpoint, e.g. https://localhost:5100/connect/token.</summary>
    public required Uri TokenEndpoint { get; init; }

    public required string ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>Presented in the TLS handshake to the identity server and to every service called.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The CA the servers' certificates chain to, when it is not in the system store.</summary>
    public X509Certificate2? CaCertificate { get; init; }

    /// <summary>Scopes to ask for; empty asks for everything the client is allowed.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Loads a PEM certificate with its PEM private key.</summary>
    public static X509Certificate2 LoadCertificate(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Re-import so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
