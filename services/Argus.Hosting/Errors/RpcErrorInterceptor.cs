using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Argus.Hosting.Errors;

/// <summary>
/// The one place where exceptions become gRPC statuses. A caller's mistake gets a precise code and
/// message; our own failures get Internal with a correlation id and never the exception text.
/// </summary>
public sealed partial class RpcErrorInterceptor(ILogger<RpcErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    private RpcException Translate(Exception ex, ServerCallContext context)
    {
        switch (ex)
        {
            case InvalidInputException invalid:
                var badRequest = new BadRequest();
                badRequest.FieldViolations.AddRange(invalid.Violations);
                return Rich(Code.InvalidArgument, invalid.Message, badRequest);
            case ResourceNotFoundException notFound:
                return Rich(Code.NotFound, notFound.Message, new ResourceInfo { ResourceName = notFound.ResourceName });
            case ResourceAlreadyExistsException exists:
                return Rich(Code.AlreadyExists, exists.Message);
            case ConcurrentChangeException changed:
                return Rich(Code.Aborted, changed.Message);
            case PreconditionFailedException precondition:
                return Rich(Code.FailedPrecondition, precondition.Message);
            case AccessDeniedException denied:
                return Rich(Code.PermissionDenied, denied.Message);
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                // The client went away or its deadline passed; it will not read what we say.
                return new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled."));
            default:
                var correlationId = context.GetHttpContext().TraceIdentifier;
                LogUnhandled(logger, ex, context.Method, correlationId);
                return Rich(Code.Internal, $"Internal error; quote correlation id {correlationId} to the operators.");
        }
    }

    private static RpcException Rich(Code code, string message, params Google.Protobuf.IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return status.ToRpcException();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} (correlation id {CorrelationId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string correlationId);
}
