using Argus.Agency.Audit;
using Argus.Hosting.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Agency.Api;

/// <summary>
/// Records are created and changed only by their owner's callers: a partner agency gets
/// PermissionDenied before its request is even read, whatever it contains.
/// </summary>
internal sealed class OwnerOnlyChangesInterceptor : Interceptor
{
    private static readonly string[] RecordServices =
    [
        "/argus.operations.v1.OperationService/", "/argus.searches.v1.HouseSearchService/",
        "/argus.arrests.v1.ArrestService/", "/argus.evidence.v1.EvidenceService/",
    ];

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (IsChange(context.Method) && context.GetHttpContext().RequestServices.GetRequiredService<RecordAccess>().CallerIsPartner)
        {
            throw new AccessDeniedException("Only the owning agency records and changes its records; a partner reads what is shared with it.");
        }

        return continuation(request, context);
    }

    private static bool IsChange(string method)
    {
        foreach (var service in RecordServices)
        {
            if (method.StartsWith(service, StringComparison.Ordinal))
            {
                var name = method.AsSpan(service.Length);
                return name.StartsWith("Create") || name.StartsWith("Update") || name.StartsWith("Delete");
            }
        }

        return false;
    }
}
