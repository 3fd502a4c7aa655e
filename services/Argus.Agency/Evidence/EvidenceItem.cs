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
    InTransit = 7,
}

/// <summary>An item's digital content as uploaded: its hash was checked against the uploader's declared one.</summary>
public sealed record EvidenceContent
{
    public string Sha256 { get; init; } = "";

    public long SizeBytes { get; init; }

    public string MediaType { get; init; } = "";

    public string FileName { get; init; } = "";
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

    /// <summary>Set at registration; afterwards it follows the custody history (see <see cref="Custody.CustodyBook"/>).</summary>
    public EvidenceStatus Status { get; set; }

    /// <summary>The digital content, once uploaded and its hash checked; null for a physical item, or before.</summary>
    public EvidenceContent? Content { get; set; }

    /// <summary>Who holds it: "agencies/{agency}/clients/{client}", or "agencies/{agency}" for any client of that agency.</summary>
    public string Custodian { get; set; } = "";

    /// <summary>The handover awaiting its receiver's acknowledgement ("…/custodyEvents/{index}"), and to whom; null when none is.</summary>
    public string? PendingHandover { get; set; }

    public string? PendingReceiver { get; set; }

    /// <summary>Irreversible: a verification found the content's hash changed.</summary>
    public bool IntegrityCompromised { get; set; }

    /// <summary>How many custody events the item has, and the hash of the last: the next event's index and previous hash.</summary>
    public long CustodyLength { get; set; }

    public string CustodyHead { get; set; } = "";

    public override string Name => $"operations/{OperationId}/{Collection}/{Id}";

    public override RecordKind Kind => EvidenceKind.Instance;

    /// <summary>Why the item cannot take content with this hash (its content is never replaced), or null when it can.</summary>
    public string? WhyNotContent(string sha256) => Content is { } existing && existing.Sha256 != sha256
        ? $"{Name} already has content (sha256 {existing.Sha256}); an item's content is never replaced: register the other file as an item of its own."
        : null;

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
