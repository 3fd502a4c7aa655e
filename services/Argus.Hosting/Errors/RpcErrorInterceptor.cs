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

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
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
                return Rich(Code.InvalidArgument, invalid.Message, Bounded(invalid.Violations));
            case ResourceNotFoundException notFound:
                return Rich(Code.NotFound, notFound.Message, new ResourceInfo { ResourceName = BoundedText.Shorten(notFound.ResourceName, 200) });
            case ResourceAlreadyExistsException exists:
                return Rich(Code.AlreadyExists, exists.Message);
            case ConcurrentChangeException changed:
                return Rich(Code.Aborted, changed.Message);
            case PreconditionFailedException precondition:
                return Rich(Code.FailedPrecondition, precondition.Message);
            case AccessDeniedException denied:
                return Rich(Code.PermissionDenied, denied.Message);
            case QuotaExceededException quota:
                return Rich(Code.ResourceExhausted, quota.Message);
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                // The client went away or its deadline passed; it will not read what we say.
                return new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled."));
            default:
                var correlationId = context.GetHttpContext().TraceIdentifier;
                LogUnhandled(logger, ex, context.Method, correlationId);
                return Rich(Code.Internal, $"Internal error; quote correlation id {correlationId} to the operators.");
        }
    }

    /// <summary>
    /// The first violations, as many as fit in <see cref="BoundedText.MaxViolationsLength"/> and at
    /// most <see cref="BoundedText.MaxViolations"/>, and one more entry counting the rest.
    /// </summary>
    public static BadRequest Bounded(IReadOnlyList<BadRequest.Types.FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        var length = 0;
        foreach (var violation in violations)
        {
            var field = BoundedText.Shorten(violation.Field, 100);
            var description = BoundedText.Shorten(violation.Description, 200);
            length += field.Length + description.Length;
            if (badRequest.FieldViolations.Count == BoundedText.MaxViolations || length > BoundedText.MaxViolationsLength)
            {
                break;
            }

            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        }

        if (badRequest.FieldViolations.Count < violations.Count)
        {
            var rest = violations.Count - badRequest.FieldViolations.Count;
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation
            {
                Field = "",
                Description = $"and {rest:N0} more violation{(rest == 1 ? "" : "s")} not listed.",
            });
        }

        return badRequest;
    }

    private static RpcException Rich(Code code, string message, params Google.Protobuf.IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = BoundedText.Shorten(message, BoundedText.MaxMessageLength) };
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return status.ToRpcException();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} (correlation id {CorrelationId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string correlationId);
}
