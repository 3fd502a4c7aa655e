using Argus.Hosting.Admission;
using Argus.Hosting.Errors;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography.X509Certificates;
using Argus.Hosting.Security;

namespace Argus.Hosting;

/// <summary>
/// What every Argus service gets, in one place: gRPC over HTTP/2 with our error mapping and size
/// limits, gRPC health and server reflection.
/// </summary>
public static class ArgusServiceDefaults
{
    /// <summary>Records are small; anything near this is a mistake or an attack.</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>
    /// A builder whose content root is the service's own folder rather than the current directory,
    /// so the service finds its appsettings.json however it is started. Its settings are read once,
    /// at start (a change needs a restart): watching appsettings.json for changes watches the whole
    /// content root, subfolders too, and the default data folder is one — each SQLite write woke
    /// the watcher, 7 % of the CPU in bench.sh unary (2026-12-03). A
    /// <c>--hostBuilder:reloadConfigOnChange=true</c> of the caller's still wins.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, string? contentRoot = null) =>
        WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
            ContentRootPath = contentRoot ?? AppContext.BaseDirectory,
        });

    /// <param name="clientCertificateAuthority">The CA a presented client certificate must chain to; none accepts no client certificate.</param>
    public static IGrpcServerBuilder AddArgusDefaults(this WebApplicationBuilder builder, X509Certificate2? clientCertificateAuthority)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // gRPC negotiates HTTP/2 through TLS ALPN; HTTP/1.1 stays for OAuth clients of the token endpoint.
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http1AndHttp2);
            kestrel.Limits.Http2.MaxStreamsPerConnection = 256;
            // Evidence uploads stream hundreds of MB: a larger flow-control window keeps the
            // sender busy while a chunk is hashed and written. The connection window caps what one
            // connection may have in flight, whatever its streams.
            kestrel.Limits.Http2.InitialConnectionWindowSize = 8 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 4 * 1024 * 1024;
            kestrel.ConfigureHttpsDefaults(https =>
            {
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                // Ask every caller for its certificate; one presented must chain to our client CA.
                // Then a token bound to a certificate is checked against it per call
                // (CertificateBinding), and the identity server checks each client's registration.
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = ClientCertificateTrust.Validator(clientCertificateAuthority);
            });
        });

        // grpc-dotnet logs a caller's malformed request with its stack trace (at Information and
        // Error); CallerMistakeLog writes one short, rate-limited line instead. Its own errors
        // (Warning and up) still show.
        builder.Logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Warning);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CallerMistakeLog>();
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddGrpcReflection();
        var grpc = builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = MaxMessageBytes;
            grpc.MaxSendMessageSize = 4 * MaxMessageBytes;
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<RpcErrorInterceptor>();
            // Inside the error interceptor, which turns its refusal into ResourceExhausted.
            grpc.Interceptors.Add<CallAdmissionInterceptor>();
        });
        builder.Services.AddSingleton(CallAdmission.FromConfiguration(builder.Configuration));
        UndecodableRequests.BindWithDecodingErrors(builder.Services);
        return grpc;
    }

    public static WebApplication MapArgusDefaults(this WebApplication app)
    {
        // Health and reflection answer without a token: load balancers and operators' tools
        // (buf curl --list-methods) need them, and they disclose no records. Everything else
        // falls under the fallback policy: a valid token or nothing.
        // A later AddGrpc would bring grpc-dotnet's own binder back, and every method would be bound twice.
        if (app.Services.GetServices<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<ArgusServiceDefaultsMarker>>()
            .Any(p => p.GetType().Name.StartsWith("BinderServiceMethodProvider", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("AddGrpc was called after AddArgusDefaults: grpc-dotnet's binder is back beside UndecodableRequests'.");
        }

        app.UseMiddleware<FramingErrors>();
        // Before authentication: an overloaded service refuses without checking the token first.
        app.UseMiddleware<Admission.OverloadRefusal>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }
}

/// <summary>Any class will do to ask which method providers are registered.</summary>
internal sealed class ArgusServiceDefaultsMarker;
