namespace Argus.Agency.Shared;

/// <summary>A place: an address, or at least a municipality and a country.</summary>
public sealed record Location
{
    public string StreetAddress { get; init; } = "";

    public string PostalCode { get; init; } = "";

    public string Municipality { get; init; } = "";

    /// <summary>ISO 3166-1 alpha-2 code.</summary>
    public string Country { get; init; } = "";
}
