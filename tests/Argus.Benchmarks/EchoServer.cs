using System.Net;
using System.Security.Cryptography.X509Certificates;
using Argus.Bench.V1;
using Argus.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Argus.Benchmarks;

/// <summary>A bare gRPC service on Kestrel, HTTP/2 over TLS on loopback, as the agency services are hosted.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private EchoServer(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<EchoServer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        var pki = TestPki.Pki;
        using var pem = X509Certificate2.CreateFromPemFile(pki.CertificatePath("nl-server"), pki.KeyPath("nl-server"));
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        // The agency services' HTTP/2 windows (ArgusServiceDefaults), so the ceiling is the same transport.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.InitialConnectionWindowSize = 8 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 4 * 1024 * 1024;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate, https =>
            {
                // The same handshake as the Argus services: the client's certificate is asked for.
                https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = (_, _, _) => true;
            });
        }));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<EchoImplementation>();
        app.MapGrpcService<ByteStreamImplementation>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new EchoServer(app, new Uri(address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Counts what arrives; sends one pooled chunk again and again: no storage, no hashing.</summary>
    private sealed class ByteStreamImplementation : ByteStreamService.ByteStreamServiceBase
    {
        public override async Task<SinkResponse> Sink(IAsyncStreamReader<Chunk> requestStream, ServerCallContext context)
        {
            long received = 0;
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                received += requestStream.Current.Data.Length;
            }

            return new SinkResponse { Received = received };
        }

        public override async Task Source(SourceRequest request, IServerStreamWriter<Chunk> responseStream, ServerCallContext context)
        {
            var buffer = new byte[request.ChunkSize];
            Random.Shared.NextBytes(buffer);
            var chunk = new Chunk();
            for (var sent = 0L; sent < request.Size; sent += buffer.Length)
            {
                chunk.Data = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, (int)Math.Min(buffer.Length, request.Size - sent)));
                await responseStream.WriteAsync(chunk, context.CancellationToken);
            }
        }

        /// <summary>The caller's chunk again and again: nothing read, nothing encoded.</summary>
        public override async Task Replay(ReplayRequest request, IServerStreamWriter<Chunk> responseStream, ServerCallContext context)
        {
            var chunk = new Chunk { Data = request.Chunk };
            for (var sent = 0L; sent < request.Count; sent++)
            {
                await responseStream.WriteAsync(chunk, context.CancellationToken);
            }
        }
    }

    private sealed class EchoImplementation : EchoService.EchoServiceBase
    {
        public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) =>
            Task.FromResult(new EchoResponse { Name = request.Name });
    }
}
