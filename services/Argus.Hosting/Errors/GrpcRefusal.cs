using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Argus.Hosting.Errors;

/// <summary>A gRPC error answered without running the method: a trailers-only response, as the gRPC-over-HTTP/2 specification defines it.</summary>
public static class GrpcRefusal
{
    public static Task WriteAsync(HttpContext context, Grpc.Core.StatusCode status, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(BoundedText.Shorten(message, BoundedText.MaxMessageLength));
        return Task.CompletedTask;
    }

    /// <summary>Whether the request is a gRPC call (and so wants its refusal as a gRPC status).</summary>
    public static bool IsGrpc(HttpRequest request) => request.ContentType.IsGrpc();
}
