using Argus.Agency.Domain.Shared;

namespace Argus.Agency.Domain.Evidence;

public enum EvidenceCategory
{
    Firearm = 1,
    Drugs = 2,
    DrugLab = 3,
    Cash = 4,
    Vehicle = 5,
    Device = 6,
    Document = 7,
    DigitalData = 8,
    Other = 9,
}

public enum QuantityUnit
{
    Piece = 1,
    Gram = 2,
    Kilogram = 3,
    Millilitre = 4,
    Litre = 5,
    Euro = 6,
}

public enum EvidenceStatus
{
    Seized = 1,
    InStorage = 2,
    UnderAnalysis = 3,
    Returned = 4,
    Destroyed = 5,
    Forfeited = 6,
}

public sealed record Quantity
{
    public double Amount { get; init; }

    public QuantityUnit Unit { get; init; }
}

/// <summary>A seized item (exhibit) within an operation.</summary>
public sealed class EvidenceItem : OperationRecord
{
    public const string Collection = "evidenceItems";

    public string ExhibitNumber { get; set; } = "";

    public EvidenceCategory Category { get; set; }

    public string Description { get; set; } = "";

    public Quantity Quantity { get; set; } = new();

    public DateTimeOffset SeizeTime { get; set; }

    public Location SeizedAt { get; set; } = new();

    public string? HouseSearchId { get; set; }

    public string? ArrestId { get; set; }

    public string StorageLocation { get; set; } = "";

    public EvidenceStatus Status { get; set; }

    public override string Name => $"operations/{OperationId}/{Collection}/{Id}";
}
