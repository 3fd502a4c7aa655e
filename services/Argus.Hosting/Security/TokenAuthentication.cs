using Microsoft.AspNetCore.Authentication;
using Argus.Client.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Argus.Hosting.Security;

/// <summary>
/// Every Argus service accepts only access tokens from the shared identity server, validated here
/// from its published keys: issuer, audience, lifetime, signature, certificate binding, then the
/// scope each method names with [Authorize(ArgusScopes.X)]. It speaks plain OAuth 2.0 / JWT
/// (discovery, JWKS, RFC 9068, RFC 8705), so the identity server could be another product.
/// </summary>
public static class TokenAuthentication
{
    /// <param name="audience">What tokens must be for, e.g. "urn:argus:agency:nl".</param>
    /// <param name="signingKeys">For the identity server itself: its own keys, instead of fetching them from itself.</param>
    /// <param name="issuer">For the identity server itself: its own issuer.</param>
    public static void AddArgusTokenAuthentication(this WebApplicationBuilder builder, string audience, Func<IEnumerable<SecurityKey>>? signingKeys = null, string? issuer = null)
    {
        var options = builder.Configuration.GetSection(TokenAuthenticationOptions.Section).Get<TokenAuthenticationOptions>() ?? new();
        if (options.DisableForBenchmarks && builder.Environment.IsDevelopment())
        {
            // Every call is the service's own agency's, as a token with argus_agency would say.
            builder.Services.AddAuthentication(BenchmarkCaller.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, BenchmarkCaller>(BenchmarkCaller.SchemeName, scheme => scheme.ClaimsIssuer = audience);
            builder.Services.AddAuthorization(authorization =>
            {
                foreach (var scope in ArgusScopes.All)
                {
                    authorization.AddPolicy(scope, policy => policy.RequireAssertion(_ => true));
                }
            });
            return;
        }

        var authority = issuer ?? options.Authority
            ?? throw new InvalidOperationException($"{TokenAuthenticationOptions.Section}:Authority is required: the identity server's issuer URL, e.g. https://localhost:5100/.");
        var cache = new ValidatedTokenCache(TimeProvider.System);
        var ca = options.CaCertificatePath is { Length: > 0 } path
            ? TrustedCertificates.LoadCa(Path.GetFullPath(path, builder.Environment.ContentRootPath))
            : null;

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            if (signingKeys is null)
            {
                jwt.Authority = authority;
            }

            jwt.Audience = audience;
            jwt.MapInboundClaims = false;
            jwt.BackchannelHttpHandler = TrustedCertificates.Handler(ca);
            // Keys stay cached while the identity server is briefly down; an unknown key id
            // (after a rotation) triggers a refresh.
            jwt.AutomaticRefreshInterval = TimeSpan.FromHours(1);
            jwt.RefreshInterval = TimeSpan.FromSeconds(30);
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = authority,
                ValidAudience = audience,
                ValidTypes = ["at+jwt"],
                ClockSkew = TimeSpan.FromSeconds(30),
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                NameClaimType = "client_id",
            };
            if (signingKeys is not null)
            {
                jwt.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => signingKeys();
                jwt.Configuration = new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration { Issuer = authority };
            }

            jwt.Events = new JwtBearerEvents
            {
                // A token validated before skips the handler's work; its binding is still checked.
                OnMessageReceived = context =>
                {
                    if (BearerToken(context.Request) is { } token && cache.Find(token) is { } principal)
                    {
                        if (CertificateBinding.Check(principal, context.HttpContext) is { } problem)
                        {
                            context.Fail(new CertificateBindingException(problem));
                        }
                        else
                        {
                            context.Principal = principal;
                            context.Success();
                        }
                    }

                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    if (CertificateBinding.Check(context.Principal!, context.HttpContext) is { } problem)
                    {
                        context.Fail(new CertificateBindingException(problem));
                    }
                    else if (BearerToken(context.Request) is { } token)
                    {
                        cache.Remember(token, context.Principal!, context.SecurityToken.ValidTo);
                    }

                    return Task.CompletedTask;
                },
            };
        });

        builder.Services.AddAuthorization(authorization =>
        {
            // Nothing answers a caller it has not authenticated, unless it says [AllowAnonymous].
            authorization.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            foreach (var scope in ArgusScopes.All)
            {
                authorization.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scope)));
            }
        });
        builder.Services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler>(new TokenRefusals(audience));
    }

    private static string? BearerToken(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    /// <summary>Whether the space-separated "scope" claim (RFC 9068) grants <paramref name="scope"/>.</summary>
    public static bool HasScope(this System.Security.Claims.ClaimsPrincipal user, string scope)
    {
        foreach (var claim in user.FindAll("scope"))
        {
            foreach (var range in claim.Value.AsSpan().Split(' '))
            {
                if (claim.Value.AsSpan()[range].SequenceEqual(scope))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>
/// For bench.sh's measurement of what token validation costs (Development only): every request is
/// the caller "benchmark" acting for the agency of the service's audience, without a token.
/// </summary>
internal sealed class BenchmarkCaller(Microsoft.Extensions.Options.IOptionsMonitor<AuthenticationSchemeOptions> options,
    Microsoft.Extensions.Logging.ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Benchmark";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var audience = Options.ClaimsIssuer ?? "";
        var agency = audience[(audience.LastIndexOf(':') + 1)..];
        var identity = new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim("client_id", "benchmark"), new System.Security.Claims.Claim("argus_agency", agency)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(identity), SchemeName)));
    }
}
