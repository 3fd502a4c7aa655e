using System.Security.Cryptography.X509Certificates;

namespace Argus.Identity.Clients;

/// <summary>The CA whose certificates may authenticate clients (Identity:ClientCaCertificatePath).</summary>
public sealed class ClientCertificateAuthority(X509Certificate2? ca)
{
    public X509Certificate2? Certificate => ca;

    public bool Issued(X509Certificate2 certificate)
    {
        if (ca is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
