using System.Security.Cryptography.X509Certificates;

namespace Argus.Identity.Clients;

/// <summary>The CA whose certificates may authenticate clients (Identity:ClientCaCertificatePath).</summary>
public sealed class ClientCertificateAuthority(X509Certificate2? ca)
{
    public X509Certificate2? Certificate => ca;

    public bool Issued(X509Certificate2 certificate) => ca is not null && Argus.Client.Security.TrustedCertificates.IssuedBy(certificate, ca);
}
