using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Argus.Cli;

/// <summary>
/// A local certificate authority for development and tests: a CA, TLS server certificates for the
/// services on localhost, and client certificates for mutual TLS. Files are PEM, keys owner-only.
/// Production uses the agencies' own PKI; nothing here is meant to leave the machine.
/// </summary>
public sealed class DevelopmentPki
{
    public static readonly string[] Servers = ["identity", "nl-server", "be-server"];
    public static readonly string[] Clients = ["argus-nl", "argus-be", "investigator-nl", "investigator-be", "partner-demo"];

    private readonly string directory;
    private readonly X509Certificate2 ca;

    private DevelopmentPki(string directory, X509Certificate2 ca)
    {
        this.directory = directory;
        this.ca = ca;
    }

    public string CaCertificatePath => Path.Combine(directory, "ca.crt");

    public string CertificatePath(string name) => Path.Combine(directory, $"{name}.crt");

    public string KeyPath(string name) => Path.Combine(directory, $"{name}.key");

    /// <summary>Creates the CA and the standard certificates, or loads them when they exist.</summary>
    public static DevelopmentPki LoadOrCreate(string directory)
    {
        Directory.CreateDirectory(directory);
        var caPath = Path.Combine(directory, "ca.crt");
        var caKeyPath = Path.Combine(directory, "ca.key");
        X509Certificate2 ca;
        if (File.Exists(caPath) && File.Exists(caKeyPath))
        {
            ca = X509Certificate2.CreateFromPemFile(caPath, caKeyPath);
        }
        else
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=Argus.Micro Development CA, O=Argus.Micro", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(5));
            WritePem(caPath, ca.ExportCertificatePem(), secret: false);
            WritePem(caKeyPath, key.ExportPkcs8PrivateKeyPem(), secret: true);
        }

        var pki = new DevelopmentPki(directory, ca);
        foreach (var server in Servers.Where(s => !File.Exists(pki.CertificatePath(s))))
        {
            pki.Issue(server, server: true);
        }

        foreach (var client in Clients.Where(c => !File.Exists(pki.CertificatePath(c))))
        {
            pki.Issue(client, server: false);
        }

        return pki;
    }

    /// <summary>Issues "{name}.crt" and "{name}.key": a localhost server certificate, or a client certificate with CN={name}.</summary>
    public X509Certificate2 Issue(string name, bool server, TimeSpan? lifetime = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=Argus.Micro", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1", "serverAuth") : new Oid("1.3.6.1.5.5.7.3.2", "clientAuth")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = notBefore + (lifetime ?? TimeSpan.FromDays(365));
        using var issued = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        WritePem(CertificatePath(name), issued.ExportCertificatePem(), secret: false);
        WritePem(KeyPath(name), key.ExportPkcs8PrivateKeyPem(), secret: true);
        return issued.CopyWithPrivateKey(key);
    }

    private static void WritePem(string path, string pem, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            // Owner-only from the first byte.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, options);
        writer.Write(pem);
    }
}
