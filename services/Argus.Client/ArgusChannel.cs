using Argus.Client.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Argus.Client;

/// <summary>
/// The one way Argus clients connect: TLS trusting the Argus CA, the client certificate in the
/// handshake, a bearer token for the service's audience on every call, a default deadline, a
/// request_id on every create, and retries of idempotent calls on Unavailable.
/// </summary>
public static class ArgusChannel
{
    public static CallInvoker Create(Uri address, ArgusChannelOptions options, IEnumerable<MethodName> idempotentMethods, out GrpcChannel channel)
    {
        var credentials = options.Credentials;
        var channelOptions = new GrpcChannelOptions
        {
            HttpHandler = options.HttpHandler ?? TrustedCertificates.Handler(options.CaCertificate ?? credentials?.CaCertificate, credentials?.Certificate),
            ServiceConfig = new ServiceConfig { MethodConfigs = { RetryPolicy(options.MaxAttempts, idempotentMethods) } },
            MaxReceiveMessageSize = 4 * 1024 * 1024,
        };
        channel = GrpcChannel.ForAddress(address, channelOptions);
        var invoker = channel.Intercept(new DefaultDeadlineInterceptor(options.DefaultDeadline)).Intercept(new RequestIdInterceptor());
        return options.Tokens is { } tokens && options.Audience is { } audience
            ? invoker.Intercept(new BearerTokenInterceptor(tokens, audience))
            : invoker;
    }

    private static MethodConfig RetryPolicy(int maxAttempts, IEnumerable<MethodName> methods)
    {
        var config = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = maxAttempts,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(2),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var method in methods)
        {
            config.Names.Add(method);
        }

        return config;
    }
}

public sealed class ArgusChannelOptions
{
    /// <summary>The caller's credentials; without them calls carry no token (and are refused).</summary>
    public ClientCredentials? Credentials { get; set; }

    /// <summary>Where tokens come from; shared between channels of one client.</summary>
    public AccessTokenSource? Tokens { get; set; }

    /// <summary>Whom the tokens are for, e.g. urn:argus:agency:be.</summary>
    public string? Audience { get; set; }

    /// <summary>Trust for the server certificate when no credentials say it.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? CaCertificate { get; set; }

    /// <summary>Applied to calls that set no deadline of their own.</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts for idempotent calls on Unavailable, first included.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Transport override.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }
}
