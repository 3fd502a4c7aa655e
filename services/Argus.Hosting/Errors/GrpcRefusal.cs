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
        response.Headers["grpc-message"] = EncodeMessage(BoundedText.Shorten(message, BoundedText.MaxMessageLength));
        return Task.CompletedTask;
    }

    /// <summary>
    /// grpc-message as the gRPC-over-HTTP/2 specification encodes it: UTF-8, with '%' and every
    /// byte outside printable ASCII (0x20–0x7E) percent-encoded, and nothing else — clients that
    /// decode only those (grpc-js) would otherwise show "%3A" for every colon.
    /// </summary>
    public static string EncodeMessage(string message)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(message);
        var encoded = new System.Text.StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    /// <summary>Whether the request is a gRPC call (and so wants its refusal as a gRPC status).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
}
