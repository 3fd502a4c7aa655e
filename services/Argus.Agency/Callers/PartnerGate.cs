using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Agency.Callers;

/// <summary>
/// Marks a gRPC method a partner agency may call: reads of what is shared with it, lookups and
/// their follow-ups, Sync, WhoAmI. Whatever is not marked is closed to partners.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OpenToPartnersAttribute : Attribute;

/// <summary>
/// Deny by default for partners: a caller acting for another agency reaches only the methods
/// marked <see cref="OpenToPartnersAttribute"/>; any other method — one added tomorrow and not
/// marked included — answers PermissionDenied before its request is read. Runs after
/// authentication and authorization (so the caller is known, and one without the method's scope
/// has already been refused for that); methods anyone may call without a token (health,
/// reflection) are not gated.
/// </summary>
public sealed class PartnerGate(RequestDelegate next)
{
    public const string Refusal = "This method is not open to partner agencies: a partner reads what is shared with it, looks up and follows up, and never records, changes or shares.";

    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<GrpcMethodMetadata>() is null
            || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
            || endpoint.Metadata.GetMetadata<OpenToPartnersAttribute>() is not null
            || !context.RequestServices.GetRequiredService<Caller>().IsPartner)
        {
            return next(context);
        }

        return GrpcRefusal.WriteAsync(context, Grpc.Core.StatusCode.PermissionDenied, Refusal);
    }
}

/// <summary>A gRPC error answered without running the method: a trailers-only response, as the gRPC-over-HTTP/2 specification defines it.</summary>
public static class GrpcRefusal
{
    public static Task WriteAsync(HttpContext context, Grpc.Core.StatusCode status, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
