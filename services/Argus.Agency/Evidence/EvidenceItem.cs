using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;

namespace Argus.Agency.Evidence;

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

    public override RecordKind Kind => EvidenceKind.Instance;

    /// <summary>Reports every rule the item breaks against the request field it concerns.</summary>
    public void CheckRules(DateTimeOffset now, FieldErrors errors)
    {
        const string field = EvidenceKind.RequestField;
        if (SeizeTime != default)
        {
            errors.Check(RecordRules.HasHappened(SeizeTime, now), $"{field}.seize_time", "is in the future.");
        }

        if (Quantity.Unit != default && Category != default)
        {
            errors.Check(EvidenceRules.UnitFitsCategory(Category, Quantity.Unit), $"{field}.quantity.unit",
                $"{Quantity.Unit} does not fit category {Category}: firearms, vehicles and devices are counted in pieces, cash in euros.");
        }
    }
}

/// <summary>Business rules of evidence, named for what they require.</summary>
public static class EvidenceRules
{
    /// <summary>Firearms are counted, cash is an amount of euros; drugs are weighed, measured or counted.</summary>
    public static bool UnitFitsCategory(EvidenceCategory category, QuantityUnit unit) => category switch
    {
        EvidenceCategory.Firearm or EvidenceCategory.Vehicle or EvidenceCategory.Device => unit == QuantityUnit.Piece,
        EvidenceCategory.Cash => unit == QuantityUnit.Euro,
        EvidenceCategory.Drugs => unit != QuantityUnit.Euro,
        _ => true,
    };
}
