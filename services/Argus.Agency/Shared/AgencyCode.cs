namespace Argus.Agency.Shared;

/// <summary>An agency taking part in a joint investigation.</summary>
public enum AgencyCode
{
    Nl = 1,
    Be = 2,
}

public static class AgencyCodes
{
    /// <summary>The agency's code as it appears in audiences, routing keys, events and logs: "nl", "be".</summary>
    public static string Code(this AgencyCode agency) => agency switch
    {
        AgencyCode.Nl => "nl",
        AgencyCode.Be => "be",
        _ => throw new ArgumentOutOfRangeException(nameof(agency), agency, "Unknown agency."),
    };
}
