using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argus.Identity.Clients;

public enum ClientKind
{
    AgencyService = 1,
    PartnerSystem = 2,
    Administrator = 3,
}

public enum AuthenticationMethod
{
    /// <summary>RFC 8705 tls_client_auth with a registered certificate from the trusted CA; tokens bound to it.</summary>
    MutualTls = 1,

    /// <summary>client_secret_basic / client_secret_post; tokens not bound.</summary>
    ClientSecret = 2,
}

/// <summary>A client certificate registered for mutual TLS (public part only).</summary>
public sealed record RegisteredCertificate(string Sha256Thumbprint, string Subject, DateTimeOffset NotAfter, DateTimeOffset AddTime, string Pem);

/// <summary>
/// What Argus keeps about a client beyond OpenIddict's own columns, stored as one JSON property of
/// the OpenIddict application. Scopes and audiences are not here: they are OpenIddict permissions,
/// which OpenIddict itself enforces at the token endpoint.
/// </summary>
public sealed record ClientProfile
{
    public const string PropertyName = "argus";

    public ClientKind Kind { get; init; }

    public AuthenticationMethod Authentication { get; init; }

    /// <summary>The agency the client acts for ("nl", "be"), or null for a JIT-wide tool.</summary>
    public string? Agency { get; init; }

    public List<RegisteredCertificate> Certificates { get; init; } = [];

    public bool Disabled { get; init; }

    /// <summary>The hash of the secret replaced by the last rotation, valid until <see cref="PreviousSecretExpires"/>.</summary>
    public string? PreviousSecretHash { get; init; }

    public DateTimeOffset? PreviousSecretExpires { get; init; }

    public DateTimeOffset CreateTime { get; init; }

    public DateTimeOffset UpdateTime { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, Json);

    public static ClientProfile From(IReadOnlyDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(PropertyName, out var json) ? json.Deserialize<ClientProfile>(Json) ?? new ClientProfile() : new ClientProfile();
}
