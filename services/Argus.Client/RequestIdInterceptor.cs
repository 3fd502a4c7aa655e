using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Argus.Client;

/// <summary>
/// Creates are retried on Unavailable, and a retried create is only safe when it carries a
/// request_id the server deduplicates on. A create whose caller left request_id empty gets a fresh
/// UUID here, once, before the first attempt — on the caller's own message, so a retry by the
/// caller with the same message is deduplicated too.
/// </summary>
internal sealed class RequestIdInterceptor : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (request is IMessage message && RequestIdField(message.Descriptor) is { } field && (string)field.Accessor.GetValue(message) == "")
        {
            field.Accessor.SetValue(message, Guid.NewGuid().ToString());
        }

        return continuation(request, context);
    }

    private static FieldDescriptor? RequestIdField(MessageDescriptor descriptor) =>
        descriptor.FindFieldByName("request_id") is { FieldType: FieldType.String, IsRepeated: false } field ? field : null;
}
