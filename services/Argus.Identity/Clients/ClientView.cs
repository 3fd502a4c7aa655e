namespace Argus.Identity.Clients;

/// <summary>A client as administrators see it: everything but its secret.</summary>
public sealed record ClientView(
    string ClientId,
    string DisplayName,
    ClientKind Kind,
    AuthenticationMethod Authentication,
    IReadOnlyList<string> Audiences,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<RegisteredCertificate> Certificates,
    bool Disabled,
    DateTimeOffset? PreviousSecretExpires,
    DateTimeOffset CreateTime,
    DateTimeOffset UpdateTime,
    string? Agency)
{
    public string Name => $"clients/{ClientId}";
}

/// <summary>What an administrator asks for when registering a client.</summary>
public sealed record NewClient(
    string ClientId,
    string DisplayName,
    ClientKind? Kind,
    AuthenticationMethod? Authentication,
    IReadOnlyList<string> Audiences,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> CertificatesPem,
    string? Agency = null);
