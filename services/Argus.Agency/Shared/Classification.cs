namespace Argus.Agency.Shared;

/// <summary>EU security classification levels.</summary>
public enum Classification
{
    Unclassified = 1,
    Restricted = 2,
    Confidential = 3,
    Secret = 4,
}
