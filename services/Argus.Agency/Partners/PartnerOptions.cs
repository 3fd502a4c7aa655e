namespace Argus.Agency.Partners;

/// <summary>
/// "Argus:Credentials": how this agency service authenticates when it calls a partner, and
/// "Argus:Partners:{AgencyCode}": where the partners are.
/// </summary>
public sealed class AgencyCredentialsOptions
{
    public const string Section = "Argus:Credentials";

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>PEM client certificate and key: mutual TLS, tokens bound to it.</summary>
    public string? CertificatePath { get; set; }

    public string? KeyPath { get; set; }
}

public sealed class PartnerOptions
{
    public const string Section = "Argus:Partners";

    public string? Address { get; set; }
}
