using Argus.Agency.Shared;

namespace Argus.Agency.Evidence.Custody;

/// <summary>
/// Who acts on an item: a client of an agency. For a partner, the client its service acted for
/// (<paramref name="ForwardedBy"/> is that service's own client).
/// </summary>
public sealed record CustodyActor(AgencyCode Agency, string ClientId, string ForwardedBy = "")
{
    /// <summary>This actor as a custodian: "agencies/nl/clients/investigator-nl".</summary>
    public string Custodian => Custodians.Client(Agency, ClientId);

    /// <summary>Whether the actor is <paramref name="custodian"/>: that very client, or any client of the agency it names.</summary>
    public bool Is(string? custodian) => custodian == Custodian || custodian == Custodians.Agency(Agency);
}

/// <summary>How custodians are named.</summary>
public static class Custodians
{
    public static string Client(AgencyCode agency, string clientId) => $"agencies/{agency.Code()}/clients/{clientId}";

    public static string Agency(AgencyCode agency) => $"agencies/{agency.Code()}";

    /// <summary>The agency a custodian name is of, when it is well formed.</summary>
    public static AgencyCode? AgencyOf(string custodian)
    {
        var parts = custodian.Split('/');
        var wellFormed = parts is ["agencies", _] || (parts is ["agencies", _, "clients", var client] && client.Length is > 0 and <= 100);
        return wellFormed && Enum.TryParse<AgencyCode>(parts[1], ignoreCase: true, out var agency) && agency.Code() == parts[1] ? agency : null;
    }
}
