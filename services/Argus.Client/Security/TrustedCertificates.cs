using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Argus.Client.Security;

/// <summary>Server certificate validation against our own CA (a local or agency PKI), next to the system store.</summary>
public static class TrustedCertificates
{
    public static X509Certificate2 LoadCa(string path) => X509CertificateLoader.LoadCertificateFromFile(path);

    /// <summary>A callback accepting certificates that chain to <paramref name="ca"/>; without one, the system's trust decides.</summary>
    public static RemoteCertificateValidationCallback? ChainingTo(X509Certificate2? ca)
    {
        if (ca is null)
        {
            return null;
        }

        return (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            return IssuedBy(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), ca);
        };
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to <paramref name="ca"/> — the one place every
    /// Argus check of "issued by our CA" goes through (server and client certificates, signed log
    /// heads). No revocation lists: the development PKI publishes none, and a client is revoked at
    /// the identity server (disable, remove-cert), which stops its tokens.
    /// </summary>
    /// <param name="purpose">An extended key usage the certificate must allow (e.g. clientAuth), if any.</param>
    /// <param name="at">When it must have been valid; now by default.</param>
    public static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 ca, System.Security.Cryptography.Oid? purpose = null, DateTime? at = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (purpose is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(purpose);
        }

        if (at is { } time)
        {
            chain.ChainPolicy.VerificationTime = time;
        }

        try
        {
            return chain.Build(certificate);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate) && !ReferenceEquals(element.Certificate, ca))
                {
                    element.Certificate.Dispose();
                }
            }
        }
    }

    /// <summary>An HTTP handler that trusts <paramref name="ca"/> and presents <paramref name="clientCertificate"/>, if given.</summary>
    public static SocketsHttpHandler Handler(X509Certificate2? ca, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        };
        handler.SslOptions.RemoteCertificateValidationCallback = ChainingTo(ca);
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        return handler;
    }
}
