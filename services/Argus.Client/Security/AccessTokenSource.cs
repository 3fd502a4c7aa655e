using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Argus.Client.Security;

/// <summary>
/// Gets access tokens with the client credentials grant (RFC 6749 §4.4), one per audience, and
/// keeps each until shortly before it expires, so calls rarely wait for the identity server and
/// never carry an expired token. Concurrent callers share one request.
/// </summary>
public sealed class AccessTokenSource : IDisposable
{
    private readonly ClientCredentials credentials;
    private readonly HttpClient http;
    private readonly TimeProvider clock;
    private readonly ConcurrentDictionary<string, Lazy<Task<CachedToken>>> tokens = new(StringComparer.Ordinal);

    public AccessTokenSource(ClientCredentials credentials, TimeProvider? clock = null)
    {
        this.credentials = credentials;
        this.clock = clock ?? TimeProvider.System;
        http = new HttpClient(TrustedCertificates.Handler(credentials.CaCertificate, credentials.Certificate)) { Timeout = TimeSpan.FromSeconds(15) };
    }

    public string ClientId => credentials.ClientId;

    /// <summary>A token for <paramref name="audience"/> (e.g. urn:argus:agency:be), fetched or renewed when needed.</summary>
    public async Task<string> GetTokenAsync(string audience, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var entry = tokens.GetOrAdd(audience, a => new Lazy<Task<CachedToken>>(() => RequestAsync(a)));
            CachedToken token;
            try
            {
                token = await entry.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A failed request is not cached: the next call asks again.
                tokens.TryRemove(new KeyValuePair<string, Lazy<Task<CachedToken>>>(audience, entry));
                throw;
            }

            if (clock.GetUtcNow() < token.RenewAt)
            {
                return token.Value;
            }

            tokens.TryRemove(new KeyValuePair<string, Lazy<Task<CachedToken>>>(audience, entry));
        }
    }

    /// <summary>The cached token for <paramref name="audience"/>, when one is ready and fresh: the per-call fast path.</summary>
    public bool TryGetCached(string audience, out string token)
    {
        if (tokens.TryGetValue(audience, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully
            && clock.GetUtcNow() < entry.Value.Result.RenewAt)
        {
            token = entry.Value.Result.Value;
            return true;
        }

        token = "";
        return false;
    }

    /// <summary>Forget cached tokens, e.g. after a service refused one.</summary>
    public void Invalidate() => tokens.Clear();

    public void Dispose() => http.Dispose();

    private async Task<CachedToken> RequestAsync(string audience)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = credentials.ClientId,
            ["resource"] = audience,
        };
        if (credentials.ClientSecret is { Length: > 0 } secret)
        {
            form["client_secret"] = secret;
        }

        if (credentials.Scopes.Count > 0)
        {
            form["scope"] = string.Join(' ', credentials.Scopes);
        }

        var requested = clock.GetUtcNow();
        using var response = await http.PostAsync(credentials.TokenEndpoint, new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>();
        if (!response.IsSuccessStatusCode || body?.AccessToken is not { Length: > 0 } accessToken)
        {
            throw new TokenRequestException(credentials.ClientId, body?.Error ?? $"HTTP {(int)response.StatusCode}", body?.ErrorDescription);
        }

        // Renew when a fifth of the lifetime is left (at least 10 s before expiry).
        var lifetime = TimeSpan.FromSeconds(Math.Max(body.ExpiresIn, 1));
        var margin = TimeSpan.FromTicks(Math.Max(lifetime.Ticks / 5, TimeSpan.FromSeconds(10).Ticks));
        return new CachedToken(accessToken, requested + lifetime - margin);
    }

    private sealed record CachedToken(string Value, DateTimeOffset RenewAt);

    private sealed class TokenResponse
    {
        [JsonPropertyName("access_token")]
        public string? AccessToken { get; set; }

        [JsonPropertyName("expires_in")]
        public long ExpiresIn { get; set; }

        [JsonPropertyName("error")]
        public string? Error { get; set; }

        [JsonPropertyName("error_description")]
        public string? ErrorDescription { get; set; }
    }
}

/// <summary>The identity server refused to issue a token.</summary>
public sealed class TokenRequestException(string clientId, string error, string? description)
    : Exception($"The identity server refused a token to {clientId}: {error}{(description is null ? "" : $" ({description})")}")
{
    public string Error { get; } = error;
}
