namespace Argus.Agency.Domain.Shared;

/// <summary>An agency taking part in a joint investigation.</summary>
public enum AgencyCode
{
    Nl = 1,
    Be = 2,
}
