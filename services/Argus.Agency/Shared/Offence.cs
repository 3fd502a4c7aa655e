namespace Argus.Agency.Shared;

/// <summary>A criminal offence: legal reference and readable description.</summary>
public sealed record Offence(string Code, string Description);
