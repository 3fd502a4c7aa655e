using System.Net;
using System.Net.Sockets;
using Argus.Cli;

namespace Argus.Testing;

/// <summary>One development PKI per test run, in a temp folder: the CA, server and client certificates.</summary>
public static class TestPki
{
    private static readonly Lazy<DevelopmentPki> Instance = new(() =>
        DevelopmentPki.LoadOrCreate(Directory.CreateTempSubdirectory("argus-pki-").FullName));

    public static DevelopmentPki Pki => Instance.Value;

    private static int issued;

    /// <summary>A fresh client certificate (CN={name}); returns the paths of its PEM files.</summary>
    public static (string Certificate, string Key) IssueClientCertificate(string name)
    {
        var unique = $"{name}-{Interlocked.Increment(ref issued)}";
        Pki.Issue(unique, server: false);
        return (Pki.CertificatePath(unique), Pki.KeyPath(unique));
    }

    /// <summary>A TCP port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
