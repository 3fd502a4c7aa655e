using Argus.Client.Security;
using Argus.Hosting.Errors;
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
/// Deny by default for everyone who does not act for this agency: a partner agency's caller reaches
/// only the methods marked <see cref="OpenToPartnersAttribute"/>, and a JIT-wide tool (a client
/// that acts for no agency) those and the methods that need read scopes only; any other method —
/// one added tomorrow and not marked included — answers PermissionDenied before its request is read. Runs after authentication and
/// authorization (so the caller is known, and one without the method's scope has already been
/// refused for that); methods anyone may call without a token (health, reflection) are not gated.
/// </summary>
public sealed class PartnerGate(RequestDelegate next)
{
    public const string Refusal = "This method is not open to partner agencies: a partner reads what is shared with it, looks up and follows up, and never records, changes or shares.";

    public const string JitWideRefusal = "This method is not open to a client that acts for no agency: a JIT-wide tool calls the methods that only read, and never records, changes or shares. Register a client for the agency whose records it keeps.";

    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<GrpcMethodMetadata>() is null
            || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
            || endpoint.Metadata.GetMetadata<OpenToPartnersAttribute>() is not null)
        {
            return next(context);
        }

        var caller = context.RequestServices.GetRequiredService<Caller>();
        if (caller.ActsForThisAgency || (caller.IsJitWide && OnlyReads(endpoint)))
        {
            return next(context);
        }

        return GrpcRefusal.WriteAsync(context, Grpc.Core.StatusCode.PermissionDenied, caller.IsJitWide ? JitWideRefusal : Refusal);
    }

    // A method that needs only read scopes changes nothing: a JIT-wide tool (an auditor of both
    // processing logs, a dashboard) may call it; the scopes in its token decide the rest.
    private static bool OnlyReads(Endpoint endpoint)
    {
        var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
        return policies.Count > 0 && policies.All(p => p is not null && ArgusScopes.IsRead(p));
    }
}
