using Argus.Hosting.Errors;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http;

namespace Argus.Hosting.Admission;

/// <summary>
/// Refuses a unary call while <see cref="CallAdmission"/> is full, before the call is
/// authenticated: a refused call should cost as little as possible. Under `bench.sh exchange`'s
/// overload most calls at 500 writes/s asked were refused, each after its TLS handshake was over
/// but also after its token and certificate binding were checked — authentication was a tenth of
/// the Dutch service's samples. The answer is the one <see cref="CallAdmissionInterceptor"/> gives
/// (RESOURCE_EXHAUSTED, the same message and google.rpc.Status), so a caller cannot tell them
/// apart and retries the same way. Only whether the service is overloaded is told to a caller not
/// yet authenticated; nothing of any record.
/// </summary>
public sealed class OverloadRefusal(RequestDelegate next, CallAdmission admission)
{
    private static readonly string StatusDetails = Convert.ToBase64String(
        new Google.Rpc.Status { Code = (int)Google.Rpc.Code.ResourceExhausted, Message = CallAdmission.QueueFull }.ToByteArray()).TrimEnd('=');

    public Task InvokeAsync(HttpContext context)
    {
        if (admission.IsFull && GrpcRefusal.IsGrpc(context.Request)
            && context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc
            && CallAdmission.Counts(grpc.Method.Type, grpc.Method.FullName))
        {
            // Binary metadata is base64 without padding (gRPC over HTTP/2).
            context.Response.Headers["grpc-status-details-bin"] = StatusDetails;
            return GrpcRefusal.WriteAsync(context, Grpc.Core.StatusCode.ResourceExhausted, CallAdmission.QueueFull);
        }

        return next(context);
    }
}
