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

    /// <summary>
    /// A TCP port nobody listens on right now, on IPv4's loopback and IPv6's both. The services
    /// listen on "localhost", which is both, and clients try ::1 first: a port free on 127.0.0.1
    /// but held on [::] (an Erlang distribution port of a test broker, say) had a client's call
    /// reset by that other listener.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 1; ; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (!Socket.OSSupportsIPv6 || attempt == 20)
            {
                return port;
            }

            try
            {
                using var v6 = new TcpListener(IPAddress.IPv6Loopback, port);
                v6.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken on IPv6: another one.
            }
        }
    }
}
