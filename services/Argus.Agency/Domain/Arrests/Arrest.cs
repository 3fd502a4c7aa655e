using Argus.Agency.Domain.Shared;

namespace Argus.Agency.Domain.Arrests;

public enum CustodyStatus
{
    InCustody = 1,
    PreTrialDetention = 2,
    Released = 3,
    ReleasedOnConditions = 4,
    Transferred = 5,
}

/// <summary>An arrest of a person within an operation.</summary>
public sealed class Arrest : OperationRecord
{
    public const string Collection = "arrests";

    public Person Subject { get; set; } = new();

    public DateTimeOffset ArrestTime { get; set; }

    public Location Place { get; set; } = new();

    public AgencyCode ArrestingAgency { get; set; }

    public List<Offence> Offences { get; set; } = [];

    public string LegalBasis { get; set; } = "";

    public CustodyStatus CustodyStatus { get; set; }

    /// <summary>Id of the house search (same operation) during which the arrest was made.</summary>
    public string? HouseSearchId { get; set; }

    public override string Name => $"operations/{OperationId}/{Collection}/{Id}";
}
