using Argus.Hosting.Errors;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
    /// so the service finds its appsettings.json however it is started.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, string? contentRoot = null) =>
        WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = contentRoot ?? AppContext.BaseDirectory,
        });

    public static IGrpcServerBuilder AddArgusDefaults(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2);
            kestrel.Limits.Http2.MaxStreamsPerConnection = 256;
        });

        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddGrpcReflection();
        return builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = MaxMessageBytes;
            grpc.MaxSendMessageSize = 4 * MaxMessageBytes;
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<RpcErrorInterceptor>();
        });
    }

    public static WebApplication MapArgusDefaults(this WebApplication app)
    {
        // Health and reflection answer without a token: load balancers and operators' tools
        // (buf curl --list-methods) need them, and they disclose no records.
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
