using Argus.Hosting.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace Argus.Hosting.Security;

/// <summary>A method's scope, as a requirement of its own so that a refusal can name the scope that was missing.</summary>
public sealed class ScopeRequirement(string scope) : IAuthorizationRequirement
{
    public string Scope { get; } = scope;
}

public sealed class ScopeRequirementHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.HasScope(requirement.Scope))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Refusals a gRPC caller can act on. ASP.NET Core would answer a missing or bad token with a bare
/// HTTP 401 and a missing scope with 403, which a gRPC client reports as "Received HTTP status
/// code 401" and nothing more. Here a gRPC call gets UNAUTHENTICATED or PERMISSION_DENIED with the
/// reason, in words and as RFC 6750's error code in a www-authenticate header (invalid_token,
/// insufficient_scope with the scope). Reasons speak of the token only, never of records. Other
/// requests (the identity server's OAuth endpoints) keep ASP.NET Core's answers.
/// </summary>
public sealed class TokenRefusals(string audience) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler http = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || !GrpcRefusal.IsGrpc(context.Request))
        {
            await http.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        if (authorizeResult.Challenged || context.User.Identity?.IsAuthenticated != true)
        {
            // The authentication middleware keeps only a successful result; the handler remembers
            // its result for the request, so asking again costs nothing and says why it failed.
            var failure = (await context.AuthenticateAsync()).Failure;
            var reason = failure is null ? NoToken : WhyRefused(failure);
            context.Response.Headers.WWWAuthenticate = failure is null
                ? "Bearer"
                : $"Bearer error=\"invalid_token\", error_description=\"{reason.Replace("\"", "'", StringComparison.Ordinal)}\"";
            await GrpcRefusal.WriteAsync(context, Grpc.Core.StatusCode.Unauthenticated, reason);
            return;
        }

        var missing = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().Select(r => r.Scope).ToList() ?? [];
        if (missing.Count > 0)
        {
            var scopes = string.Join(" ", missing);
            context.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{scopes}\"";
            await GrpcRefusal.WriteAsync(context, Grpc.Core.StatusCode.PermissionDenied,
                $"The access token lacks the scope {scopes} this method needs; ask the identity server's administrators to grant it, then request a token with it.");
            return;
        }

        await GrpcRefusal.WriteAsync(context, Grpc.Core.StatusCode.PermissionDenied, "The access token does not allow this method.");
    }

    private const string NoToken =
        "No access token: send \"authorization: Bearer <token>\" with a token from the identity server's /connect/token (client credentials grant).";

    private string WhyRefused(Exception failure) => failure switch
    {
        SecurityTokenExpiredException expired =>
            $"The access token expired at {expired.Expires:yyyy-MM-ddTHH:mm:ssZ}; request a new one.",
        SecurityTokenNotYetValidException =>
            "The access token is not valid yet; check the clocks of this client and the identity server.",
        SecurityTokenInvalidAudienceException =>
            $"The access token is not for this service: its audience must include {audience}; request it with resource={audience}.",
        SecurityTokenInvalidIssuerException =>
            "The access token was not issued by the identity server this service trusts.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "The access token's signature does not verify with the identity server's published keys.",
        SecurityTokenInvalidTypeException =>
            "The token is not an access token (JWT typ at+jwt).",
        SecurityTokenMalformedException or ArgumentException =>
            "The access token is not a well-formed JWT.",
        // CertificateBinding's own reasons (RFC 8705): bound to another certificate, or none presented.
        CertificateBindingException binding =>
            $"The access token is refused: {binding.Message}.",
        _ => "The access token is refused.",
    };
}
