using System.Security.Cryptography;
using Argus.Arrests.V1;
using Argus.Client;
using Argus.Client.Security;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Argus.FunctionalTests.Security;

/// <summary>
/// Nothing answers a caller it has not authenticated: the whole refusal matrix against the Dutch
/// service, over TLS, with real tokens from the identity server and forged ones.
/// </summary>
public sealed class TokenRefusalTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private static readonly string Nl = ArgusAudiences.Agency("nl");

    [Fact]
    public async Task A_bound_token_over_its_certificate_is_accepted()
    {
        using var tokens = new AccessTokenSource(fixture.Reader);
        using var client = fixture.Netherlands.ClientFor(fixture.Reader, tokens);

        var arrest = (await client.Arrests.GetArrestAsync(new GetArrestRequest { Name = fixture.ArrestName })).Arrest;

        Assert.Equal(fixture.ArrestName, arrest.Name);
    }

    [Fact]
    public async Task A_secret_clients_unbound_token_is_accepted()
    {
        using var tokens = new AccessTokenSource(fixture.SecretReader);
        using var client = fixture.Netherlands.ClientFor(fixture.SecretReader, tokens);

        Assert.Equal(fixture.ArrestName, (await client.Arrests.GetArrestAsync(new GetArrestRequest { Name = fixture.ArrestName })).Arrest.Name);
    }

    [Fact]
    public async Task No_token_is_unauthenticated()
    {
        using var anonymous = fixture.Netherlands.Anonymous();
        await AssertRefusedAsync(anonymous, headers: null, StatusCode.Unauthenticated, "No access token");
    }

    [Theory]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task A_malformed_token_is_unauthenticated(string authorization)
    {
        using var anonymous = fixture.Netherlands.Anonymous();
        var refused = await AssertRefusedAsync(anonymous, new Metadata { { "Authorization", authorization } }, StatusCode.Unauthenticated, "");
        Assert.Matches("^(No access token|The access token|The token)", refused.Status.Detail);
    }

    [Fact]
    public async Task A_valid_token_without_the_scope_is_permission_denied()
    {
        using var tokens = new AccessTokenSource(fixture.OperationsOnly);
        using var client = fixture.Netherlands.ClientFor(fixture.OperationsOnly, tokens);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Arrests.GetArrestAsync(new GetArrestRequest { Name = fixture.ArrestName }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains($"lacks the scope {ArgusScopes.ArrestsRead}", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"{ArgusScopes.ArrestsRead}\"", refused.Trailers.GetValue("www-authenticate"));
    }

    [Fact]
    public async Task A_token_for_the_other_agency_is_refused()
    {
        using var tokens = new AccessTokenSource(fixture.BelgiumOnly);
        var token = await tokens.GetTokenAsync(ArgusAudiences.Agency("be"));
        using var client = fixture.Netherlands.Anonymous(fixture.BelgiumOnly.Certificate);

        await AssertRefusedAsync(client, Bearer(token), StatusCode.Unauthenticated, "its audience must include urn:argus:agency:nl");
    }

    [Fact]
    public async Task The_identity_server_refuses_a_token_for_an_audience_the_client_may_not_use()
    {
        using var tokens = new AccessTokenSource(fixture.BelgiumOnly);

        var refused = await Assert.ThrowsAsync<TokenRequestException>(() => tokens.GetTokenAsync(Nl));

        Assert.Contains(refused.Error, new[] { "invalid_target", "invalid_request" });
        Assert.Contains("resource", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_bound_token_without_its_certificate_is_refused()
    {
        using var tokens = new AccessTokenSource(fixture.Reader);
        var token = await tokens.GetTokenAsync(Nl);
        using var withoutCertificate = fixture.Netherlands.Anonymous();

        await AssertRefusedAsync(withoutCertificate, Bearer(token), StatusCode.Unauthenticated, "the connection presented none");
    }

    [Fact]
    public async Task A_bound_token_over_another_certificate_is_refused()
    {
        using var tokens = new AccessTokenSource(fixture.Reader);
        var token = await tokens.GetTokenAsync(Nl);
        using var thief = fixture.Netherlands.Anonymous(fixture.OperationsOnly.Certificate);

        await AssertRefusedAsync(thief, Bearer(token), StatusCode.Unauthenticated, "bound to another client certificate");
    }

    [Fact]
    public async Task A_tampered_token_fails_its_signature()
    {
        using var tokens = new AccessTokenSource(fixture.SecretReader);
        var token = await tokens.GetTokenAsync(Nl);
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("argus.arrests.read", "argus.arrests.write", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        using var client = fixture.Netherlands.Anonymous();

        await AssertRefusedAsync(client, Bearer(tampered), StatusCode.Unauthenticated, "signature does not verify");
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_refused()
    {
        using var rsa = RSA.Create(2048);
        var token = Forge(new RsaSecurityKey(rsa) { KeyId = "attacker" }, fixture.Identity.Issuer.ToString(), Nl, DateTime.UtcNow.AddMinutes(5));
        using var client = fixture.Netherlands.Anonymous();

        await AssertRefusedAsync(client, Bearer(token), StatusCode.Unauthenticated, "signature does not verify");
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_refused_even_with_the_right_key()
    {
        var token = Forge(IdentitySigningKey(), "https://impostor.example/", Nl, DateTime.UtcNow.AddMinutes(5));
        using var client = fixture.Netherlands.Anonymous();

        await AssertRefusedAsync(client, Bearer(token), StatusCode.Unauthenticated, "not issued by the identity server");
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var token = Forge(IdentitySigningKey(), fixture.Identity.Issuer.ToString(), Nl, DateTime.UtcNow.AddMinutes(-5));
        using var client = fixture.Netherlands.Anonymous();

        await AssertRefusedAsync(client, Bearer(token), StatusCode.Unauthenticated, "expired at");
    }

    [Fact]
    public async Task A_well_signed_token_of_the_right_issuer_is_accepted_which_proves_the_forgeries_failed_for_their_flaw()
    {
        var token = Forge(IdentitySigningKey(), fixture.Identity.Issuer.ToString(), Nl, DateTime.UtcNow.AddMinutes(5));
        using var client = fixture.Netherlands.Anonymous();

        Assert.Equal(StatusCode.OK, await StatusOfGetAsync(client, Bearer(token)));
    }

    [Fact]
    public async Task Health_answers_without_a_token()
    {
        using var anonymous = fixture.Netherlands.Anonymous();
        var health = await anonymous.Health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    /// <summary>
    /// The call is refused with <paramref name="status"/> as a gRPC status of its own (not a bare
    /// HTTP 401/403, which the client would report as "Bad gRPC response") and a reason that
    /// contains <paramref name="reason"/>.
    /// </summary>
    private async Task<RpcException> AssertRefusedAsync(AgencyClient client, Metadata? headers, StatusCode status, string reason)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Arrests.GetArrestAsync(new GetArrestRequest { Name = fixture.ArrestName }, headers).ResponseAsync);
        Assert.Equal(status, refused.StatusCode);
        Assert.DoesNotContain("HTTP status code", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("Bearer", refused.Trailers.GetValue("www-authenticate") ?? "", StringComparison.Ordinal);
        return refused;
    }

    private async Task<StatusCode> StatusOfGetAsync(AgencyClient client, Metadata? headers)
    {
        try
        {
            await client.Arrests.GetArrestAsync(new GetArrestRequest { Name = fixture.ArrestName }, headers);
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    private static Metadata Bearer(string token) => new() { { "Authorization", $"Bearer {token}" } };

    private RsaSecurityKey IdentitySigningKey()
    {
        var path = Directory.EnumerateFiles(Path.Combine(fixture.Identity.DataDirectory, "keys"), "signing-*.pem").Order().Last();
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        return new RsaSecurityKey(rsa) { KeyId = Path.GetFileNameWithoutExtension(path) };
    }

    private static string Forge(SecurityKey key, string issuer, string audience, DateTime expires) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires.AddMinutes(-10),
            NotBefore = expires.AddMinutes(-10),
            Expires = expires,
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = "forger", ["client_id"] = "forger", ["argus_agency"] = "nl", ["scope"] = ArgusScopes.ArrestsRead },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
}
