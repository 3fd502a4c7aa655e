using System.Reflection;
using Argus.Client;
using Argus.Client.Security;
using Argus.Testing;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Argus.FunctionalTests.Hardening;

/// <summary>What one call came back with.</summary>
/// <param name="DetailsBytes">The size of the grpc-status-details-bin trailer (decoded), 0 without one.</param>
/// <param name="ClientError">An exception other than RpcException on the client's side, which no answer should cause.</param>
internal sealed record CallOutcome(StatusCode Code, string Detail, int DetailsBytes, string? ClientError = null);

/// <summary>
/// Calls with the request as raw bytes, so it can be anything, on the channel an
/// <see cref="AgencyClient"/> uses (<see cref="ArgusChannel"/>: TLS, client certificate, bound token,
/// default deadline).
/// </summary>
internal static class RawCalls
{
    public const string DetailsTrailer = "grpc-status-details-bin";

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create<byte[]>(bytes => bytes, bytes => bytes);

    /// <summary>
    /// Every method an agency service serves: the services of the Argus.Client assembly's argus.*
    /// files but the identity server's admin API (argus.identity.v1), and health's Check.
    /// </summary>
    public static List<MethodDescriptor> AgencyMethods()
    {
        var files = typeof(AgencyClient).Assembly.GetTypes()
            .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(property => property is not null && property.PropertyType == typeof(FileDescriptor))
            .Select(property => (FileDescriptor)property!.GetValue(null)!)
            .Where(file => file.Package.StartsWith("argus.", StringComparison.Ordinal) && file.Package != "argus.identity.v1")
            .DistinctBy(file => file.Name);
        var methods = files.SelectMany(file => file.Services).SelectMany(service => service.Methods).ToList();
        methods.Add(HealthReflection.Descriptor.Services.Single(service => service.Name == "Health").FindMethodByName("Check")!);
        return [.. methods.OrderBy(method => method.FullName, StringComparer.Ordinal)];
    }

    /// <summary>The identity server's administration API (argus.identity.v1).</summary>
    public static List<MethodDescriptor> IdentityAdminMethods() =>
        [.. Identity.V1.ClientAdminReflection.Descriptor.Services.SelectMany(service => service.Methods).OrderBy(method => method.FullName, StringComparer.Ordinal)];

    /// <summary>A method taking and returning bytes as they are; make one per method and reuse it (the channel caches per instance).</summary>
    public static Method<byte[], byte[]> For(MethodDescriptor method) =>
        new(TypeOf(method), method.Service.FullName, method.Name, Bytes, Bytes);

    public static Method<byte[], byte[]> Unary(string service, string method) => new(MethodType.Unary, service, method, Bytes, Bytes);

    public static Metadata Justified(string justification) => new() { { "x-argus-justification", justification } };

    /// <summary>Sends <paramref name="request"/> as the one request message (streams: the one message, then completes) and reads every answer.</summary>
    public static async Task<CallOutcome> CallAsync(CallInvoker invoker, Method<byte[], byte[]> method, byte[] request, CallOptions options)
    {
        try
        {
            return method.Type switch
            {
                MethodType.Unary => await UnaryAsync(invoker, method, request, options),
                MethodType.ServerStreaming => await ServerStreamingAsync(invoker, method, request, options),
                MethodType.ClientStreaming => await ClientStreamingAsync(invoker, method, request, options),
                _ => await DuplexStreamingAsync(invoker, method, request, options),
            };
        }
        catch (RpcException ex)
        {
            return Outcome(ex.Status, ex.Trailers);
        }
        catch (Exception ex)
        {
            return new CallOutcome(StatusCode.Unknown, "", 0, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static async Task<CallOutcome> UnaryAsync(CallInvoker invoker, Method<byte[], byte[]> method, byte[] request, CallOptions options)
    {
        using var call = invoker.AsyncUnaryCall(method, null, options, request);
        await call.ResponseAsync;
        return Outcome(call.GetStatus(), call.GetTrailers());
    }

    private static async Task<CallOutcome> ServerStreamingAsync(CallInvoker invoker, Method<byte[], byte[]> method, byte[] request, CallOptions options)
    {
        using var call = invoker.AsyncServerStreamingCall(method, null, options, request);
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }

        return Outcome(call.GetStatus(), call.GetTrailers());
    }

    private static async Task<CallOutcome> ClientStreamingAsync(CallInvoker invoker, Method<byte[], byte[]> method, byte[] request, CallOptions options)
    {
        using var call = invoker.AsyncClientStreamingCall(method, null, options);
        await WriteOnceAsync(call.RequestStream, request);
        await call.ResponseAsync;
        return Outcome(call.GetStatus(), call.GetTrailers());
    }

    private static async Task<CallOutcome> DuplexStreamingAsync(CallInvoker invoker, Method<byte[], byte[]> method, byte[] request, CallOptions options)
    {
        using var call = invoker.AsyncDuplexStreamingCall(method, null, options);
        await WriteOnceAsync(call.RequestStream, request);
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }

        return Outcome(call.GetStatus(), call.GetTrailers());
    }

    private static async Task WriteOnceAsync(IClientStreamWriter<byte[]> stream, byte[] request)
    {
        try
        {
            await stream.WriteAsync(request);
            await stream.CompleteAsync();
        }
        catch (InvalidOperationException)
        {
            // The server already answered (the call is complete); its status is what counts.
        }
    }

    private static CallOutcome Outcome(Status status, Metadata trailers) =>
        new(status.StatusCode, status.Detail ?? "", trailers.GetValueBytes(DetailsTrailer)?.Length ?? 0);

    private static MethodType TypeOf(MethodDescriptor method) => (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (true, true) => MethodType.DuplexStreaming,
        (true, false) => MethodType.ClientStreaming,
        (false, true) => MethodType.ServerStreaming,
        _ => MethodType.Unary,
    };
}

/// <summary>
/// A channel as <see cref="AgencyClient"/> builds it — with <paramref name="credentials"/> and
/// tokens for the agency's audience, or, without them, trusting the CA and sending no token —
/// exposing its <see cref="CallInvoker"/> for raw calls.
/// </summary>
internal sealed class RawChannel : IDisposable
{
    private readonly GrpcChannel channel;

    private RawChannel(CallInvoker invoker, GrpcChannel channel)
    {
        Invoker = invoker;
        this.channel = channel;
    }

    public CallInvoker Invoker { get; }

    public static RawChannel Open(Uri address, ClientCredentials? credentials = null, AccessTokenSource? tokens = null, string agencyCode = "nl", string? audience = null)
    {
        var options = credentials is not null && tokens is not null
            ? new ArgusChannelOptions { Credentials = credentials, Tokens = tokens, Audience = audience ?? ArgusAudiences.Agency(agencyCode) }
            : new ArgusChannelOptions { HttpHandler = TrustedCertificates.Handler(RunningIdentity.CaCertificate) };
        var invoker = ArgusChannel.Create(address, options, [], out var channel);
        return new RawChannel(invoker, channel);
    }

    public void Dispose() => channel.Dispose();
}
