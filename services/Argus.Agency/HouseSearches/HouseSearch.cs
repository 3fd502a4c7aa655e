using Argus.Agency.Records;
using Argus.Agency.Shared;

namespace Argus.Agency.HouseSearches;

/// <summary>A search of premises under a warrant, within an operation.</summary>
public sealed class HouseSearch : OperationRecord
{
    public const string Collection = "houseSearches";

    public Location Address { get; set; } = new();

    public DateTimeOffset SearchTime { get; set; }

    public string WarrantReference { get; set; } = "";

    public string AuthorisedBy { get; set; } = "";

    public string ResultSummary { get; set; } = "";

    public AgencyCode SearchingAgency { get; set; }

    public override string Name => $"operations/{OperationId}/{Collection}/{Id}";

    public override RecordKind Kind => HouseSearchKind.Instance;
}
