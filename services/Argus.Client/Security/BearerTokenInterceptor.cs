using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Argus.Client.Security;

/// <summary>
/// Puts "Authorization: Bearer …" on every call, of every kind (unary, and streams either way). With a fresh token cached (nearly always) this
/// adds the header and nothing else; otherwise the call starts once the token has arrived. A
/// refused token request fails the call with Unauthenticated, an unreachable identity server with
/// Unavailable.
/// </summary>
internal sealed class BearerTokenInterceptor(AccessTokenSource tokens, string audience) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (tokens.TryGetCached(audience, out var token))
        {
            return continuation(request, WithToken(context, token));
        }

        var call = StartAsync(context, c => continuation(request, c));
        return new AsyncUnaryCall<TResponse>(
            ResponseAsync(call),
            HeadersAsync(call),
            () => call.IsCompletedSuccessfully ? call.Result.GetStatus() : new Status(StatusCode.Unknown, "The call has not started."),
            () => call.IsCompletedSuccessfully ? call.Result.GetTrailers() : [],
            () =>
            {
                if (call.IsCompletedSuccessfully)
                {
                    call.Result.Dispose();
                }
            });

        static async Task<TResponse> ResponseAsync(Task<AsyncUnaryCall<TResponse>> call) => await (await call).ResponseAsync;
        static async Task<Metadata> HeadersAsync(Task<AsyncUnaryCall<TResponse>> call) => await (await call).ResponseHeadersAsync;
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        return continuation(request, WithToken(context, TokenForStream(context.Options.CancellationToken)));
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        return continuation(WithToken(context, TokenForStream(context.Options.CancellationToken)));
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        return continuation(WithToken(context, TokenForStream(context.Options.CancellationToken)));
    }

    /// <summary>
    /// The token for a stream, whose call object must be returned at once: the cached one, or one
    /// fetched synchronously — blocking a thread at most once per token lifetime, on a long-lived call.
    /// </summary>
    private string TokenForStream(CancellationToken cancellationToken) =>
        tokens.TryGetCached(audience, out var cached) ? cached : FetchAsync(cancellationToken).GetAwaiter().GetResult();

    private async Task<TCall> StartAsync<TRequest, TResponse, TCall>(ClientInterceptorContext<TRequest, TResponse> context, Func<ClientInterceptorContext<TRequest, TResponse>, TCall> start)
        where TRequest : class
        where TResponse : class =>
        start(WithToken(context, await FetchAsync(context.Options.CancellationToken)));

    private async Task<string> FetchAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.GetTokenAsync(audience, cancellationToken);
        }
        catch (TokenRequestException ex)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, ex.Message));
        }
        catch (HttpRequestException ex)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"The identity server is unreachable: {ex.Message}"));
        }
    }

    private static ClientInterceptorContext<TRequest, TResponse> WithToken<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, string token)
        where TRequest : class
        where TResponse : class
    {
        var headers = new Metadata();
        foreach (var entry in context.Options.Headers ?? [])
        {
            headers.Add(entry);
        }

        headers.Add("Authorization", "Bearer " + token);
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }
}
