using System.Net;
using System.Text.Json;
using Argus.Client.Security;
using Argus.Testing;

namespace Argus.FunctionalTests.Security;

/// <summary>A plain identity server, for raw requests to its token endpoint.</summary>
public sealed class TokenEndpointIdentity : IAsyncLifetime
{
    public RunningIdentity Identity { get; private set; } = null!;

    public async Task InitializeAsync() => Identity = await RunningIdentity.StartAsync();

    public async Task DisposeAsync() => await Identity.DisposeAsync();
}

/// <summary>
/// RFC 6749 §5.2 at /connect/token: a client that does not authenticate at all is invalid_client,
/// HTTP 401 with a WWW-Authenticate challenge, and the description says what to send.
/// </summary>
public sealed class TokenEndpointErrorTests(TokenEndpointIdentity fixture) : IClassFixture<TokenEndpointIdentity>
{
    private static readonly string Nl = ArgusAudiences.Agency("nl");

    private RunningIdentity Identity => fixture.Identity;

    private static string NewClientId(string what) => $"{what}-{Guid.NewGuid():N}"[..30];

    [Fact]
    public async Task A_mutual_tls_client_without_its_certificate_is_an_invalid_client_with_401_and_told_to_present_it()
    {
        var client = await Identity.RegisterAsync(NewClientId("nocert"), [Nl], [ArgusScopes.ArrestsRead], mutualTls: true, agency: "nl");

        var (status, challenge, error, description) = await PostAsync(client.ClientId);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", error);
        Assert.Contains("certificate", description, StringComparison.Ordinal);
        Assert.Contains("TLS handshake", description, StringComparison.Ordinal);
        Assert.NotNull(challenge);
    }

    [Fact]
    public async Task A_secret_client_without_its_secret_is_an_invalid_client_with_401_and_told_to_send_it()
    {
        var client = await Identity.RegisterAsync(NewClientId("nosecret"), [Nl], [ArgusScopes.ArrestsRead], mutualTls: false, agency: "nl");

        var (status, challenge, error, description) = await PostAsync(client.ClientId);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", error);
        Assert.Contains("client_secret_basic", description, StringComparison.Ordinal);
        Assert.NotNull(challenge);
    }

    [Theory]
    [InlineData("no-such-client")]
    [InlineData(null)]
    public async Task An_unknown_or_unnamed_client_without_credentials_is_an_invalid_client_told_which_methods_this_server_accepts(string? clientId)
    {
        var (status, challenge, error, description) = await PostAsync(clientId);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", error);
        Assert.Contains("tls_client_auth", description, StringComparison.Ordinal);
        Assert.Contains("client_secret_basic", description, StringComparison.Ordinal);
        Assert.Contains("client_secret_post", description, StringComparison.Ordinal);
        Assert.NotNull(challenge);
    }

    /// <summary>A client credentials request with no certificate and no secret, as a raw HTTP POST.</summary>
    private async Task<(HttpStatusCode Status, string? Challenge, string? Error, string Description)> PostAsync(string? clientId)
    {
        using var http = new HttpClient(TrustedCertificates.Handler(RunningIdentity.CaCertificate));
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["resource"] = Nl };
        if (clientId is not null)
        {
            form["client_id"] = clientId;
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(Identity.TokenEndpoint, content);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var challenge = response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? values.ToString() : null;
        return (response.StatusCode, challenge,
            body.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null,
            body.RootElement.TryGetProperty("error_description", out var description) ? description.GetString() ?? "" : "");
    }
}
