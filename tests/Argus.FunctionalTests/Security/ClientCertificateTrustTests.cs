using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;

namespace Argus.FunctionalTests.Security;

/// <summary>The TLS handshake takes a client certificate only when it chains to the configured client CA.</summary>
public sealed class ClientCertificateTrustTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    [Fact]
    public async Task A_certificate_from_the_client_CA_and_no_certificate_are_both_accepted()
    {
        using var withCertificate = fixture.Netherlands.Anonymous(fixture.Reader.Certificate);
        using var without = fixture.Netherlands.Anonymous();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await withCertificate.Health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await without.Health.CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task A_self_signed_client_certificate_is_refused_in_the_handshake()
    {
        using var stranger = SelfSigned("CN=partner-demo");
        using var client = fixture.Netherlands.Anonymous(stranger);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);

        // The server closes the connection once the handshake has shown the certificate (with TLS
        // 1.3 the client learns it as it sends): the client reports a transport failure, never an
        // answer of the service.
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.NotNull(refused.Status.DebugException);
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2", "clientAuth")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
