using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Argus.Audit.V1;

namespace Argus.Client.Audit;

/// <summary>
/// A processing log's head, signed by its agency so that the other agency can witness it: once a
/// head is witnessed, rewriting the log before it — even re-chaining every later entry — shows,
/// because the log no longer extends that head (a consistency check, as Certificate Transparency
/// logs have). Signing and checking both live here, so the services and `argus audit verify`
/// agree on the bytes.
/// </summary>
public static class LogHeadSignature
{
    /// <summary>What is signed: a versioned, line-separated text, UTF-8.</summary>
    public static byte[] Payload(string agency, long sequence, string hash, DateTimeOffset signTime) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"argus-log-head:v1\n{agency}\n{sequence}\n{hash}\n{signTime.ToUnixTimeMilliseconds()}"));

    /// <summary>Signs with the certificate's private key (RSA PKCS#1 v1.5 or ECDSA, SHA-256).</summary>
    public static byte[] Sign(X509Certificate2 certificate, byte[] payload)
    {
        if (certificate.GetRSAPrivateKey() is { } rsa)
        {
            using (rsa)
            {
                return rsa.SignData(payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
        }

        using var ecdsa = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no RSA or ECDSA private key to sign with.");
        return ecdsa.SignData(payload, HashAlgorithmName.SHA256);
    }

    /// <summary>
    /// Null when <paramref name="head"/> is signed by its certificate's key and the certificate
    /// chains to <paramref name="authority"/>; otherwise why not.
    /// </summary>
    public static string? Problem(SignedLogHead head, string agency, X509Certificate2 authority)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(head.CertificatePem);
        }
        catch (CryptographicException)
        {
            return "its certificate is not a PEM certificate";
        }

        using (certificate)
        {
            if (!Security.TrustedCertificates.IssuedBy(certificate, authority, at: head.SignTime.ToDateTime()))
            {
                return "its certificate was not issued by the Argus CA";
            }

            var payload = Payload(agency, head.Sequence, head.Hash, head.SignTime.ToDateTimeOffset());
            var signature = head.Signature.ToByteArray();
            using var rsa = certificate.GetRSAPublicKey();
            using var ecdsa = rsa is null ? certificate.GetECDsaPublicKey() : null;
            var valid = rsa?.VerifyData(payload, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                ?? ecdsa?.VerifyData(payload, signature, HashAlgorithmName.SHA256)
                ?? false;
            return valid ? null : "its signature does not verify";
        }
    }
}
