using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Argus.Hosting.Errors;

/// <summary>
/// grpc-dotnet answers a request whose framing is wrong with INTERNAL, as if the server had failed.
/// The gRPC status code table (doc/statuscodes.md) prescribes codes for some of these cases and
/// none for others; this rewrites grpc-dotnet's statuses, recognised by their fixed messages, to
/// what the caller can act on:
/// <list type="bullet">
/// <item>compressed flag without a grpc-encoding (or with "identity"): INVALID_ARGUMENT — the table
/// has no row for it; it is the caller's malformed message.</item>
/// <item>a length prefix promising bytes that never came: INVALID_ARGUMENT — no row either.</item>
/// <item>more than one message in a unary call: UNIMPLEMENTED — the table's "request cardinality
/// violation".</item>
/// </list>
/// Unchanged: a message over the size limit is already RESOURCE_EXHAUSTED; an encoding we do not
/// support is UNIMPLEMENTED, as the table says. The rewrite happens after the call, before the
/// response completes, on the trailers-only headers or the trailers, wherever grpc-dotnet put them.
/// </summary>
public sealed class FramingErrors(RequestDelegate next, CallerMistakeLog log)
{
    private const string Internal = "13";

    private static readonly Dictionary<string, (Grpc.Core.StatusCode Code, string Message)> Rewrites = new(StringComparer.Ordinal)
    {
        ["Request did not include grpc-encoding value with compressed message."] = (Grpc.Core.StatusCode.InvalidArgument,
            "The message's compressed flag is set, but the request names no grpc-encoding: send it uncompressed, or say grpc-encoding: gzip."),
        ["Request sent 'identity' grpc-encoding value with compressed message."] = (Grpc.Core.StatusCode.InvalidArgument,
            "The message's compressed flag is set, but grpc-encoding says identity (uncompressed)."),
        ["Incomplete message."] = (Grpc.Core.StatusCode.InvalidArgument,
            "The request ended inside a message: its length prefix promised more bytes than were sent."),
        ["Additional data after the message received."] = (Grpc.Core.StatusCode.Unimplemented,
            "A unary call carries exactly one request message and this one carried more (a request cardinality violation)."),
    };

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        // FramingTests pins the messages against the grpc-dotnet in use: a renamed one fails there.
        if (!GrpcRefusal.IsGrpc(context.Request))
        {
            return;
        }

        var response = context.Response;
        var status = response.HasStarted
            ? context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers
            : response.Headers;
        if (status is null || status["grpc-status"] != Internal
            || !Rewrites.TryGetValue(Uri.UnescapeDataString(status["grpc-message"].ToString()), out var rewrite))
        {
            return;
        }

        log.Refused(context.Request.Path, rewrite.Message);
        status["grpc-status"] = ((int)rewrite.Code).ToString(CultureInfo.InvariantCulture);
        status["grpc-message"] = GrpcRefusal.EncodeMessage(rewrite.Message);
    }
}
