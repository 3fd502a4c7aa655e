using System.Security.Cryptography;
using Argus.Client.Security;
using System.Security.Cryptography.X509Certificates;

namespace Argus.Hosting.Security;

/// <summary>
/// The TLS handshake's check of a client certificate: one is optional (a caller with a secret, or
/// an operator's health probe, presents none), but one that is presented must chain to the
/// configured client CA and be meant for client authentication. A service configured with no
/// client CA accepts no client certificate at all.
/// </summary>
public static class ClientCertificateTrust
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "clientAuth");

    /// <summary>
    /// An agency service's client CA: Argus:Auth:ClientCaCertificatePath, or else the CA of
    /// Argus:Auth:CaCertificatePath (one development CA issues servers' and clients' certificates).
    /// </summary>
    public static X509Certificate2? FromConfiguration(Microsoft.Extensions.Configuration.IConfiguration configuration, string contentRoot) =>
        (configuration["Argus:Auth:ClientCaCertificatePath"] ?? configuration["Argus:Auth:CaCertificatePath"]) is { Length: > 0 } path
            ? TrustedCertificates.LoadCa(Path.GetFullPath(path, contentRoot))
            : null;

    public static Func<X509Certificate2, X509Chain?, System.Net.Security.SslPolicyErrors, bool> Validator(X509Certificate2? authority) =>
        (certificate, _, _) => authority is not null && ChainsTo(certificate, authority);

    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 authority) =>
        TrustedCertificates.IssuedBy(certificate, authority, ClientAuthentication);
}
