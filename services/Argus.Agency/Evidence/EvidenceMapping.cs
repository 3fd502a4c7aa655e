using Argus.Agency.Records;
using Argus.Agency.Arrests;
using Argus.Agency.HouseSearches;
using Argus.Hosting.Errors;
using Proto = Argus.Evidence.V1;

namespace Argus.Agency.Evidence;

internal static class EvidenceMapping
{
    /// <summary>What UpdateEvidenceItem may change: not status, storage location or custodian, which follow the custody history.</summary>
    public static readonly IReadOnlySet<string> Updatable = new HashSet<string>
    {
        "exhibit_number", "category", "description", "quantity", "seize_time", "seized_at", "house_search", "arrest",
        "handling",
    };

    public static Proto.EvidenceItem ToProto(EvidenceItem item) => new()
    {
        Name = item.Name,
        ExhibitNumber = item.ExhibitNumber,
        Category = EnumMap<EvidenceCategory, Proto.EvidenceCategory>.Convert(item.Category),
        Description = item.Description,
        Quantity = new Proto.Quantity { Amount = item.Quantity.Amount, Unit = EnumMap<QuantityUnit, Proto.QuantityUnit>.Convert(item.Quantity.Unit) },
        SeizeTime = CommonMapping.ToProto(item.SeizeTime),
        SeizedAt = CommonMapping.ToProto(item.SeizedAt),
        HouseSearch = item.HouseSearchId is { } search ? ResourceNames.ChildName(item.OperationId, HouseSearch.Collection, search) : "",
        Arrest = item.ArrestId is { } arrest ? ResourceNames.ChildName(item.OperationId, Arrest.Collection, arrest) : "",
        StorageLocation = item.StorageLocation,
        Status = EnumMap<EvidenceStatus, Proto.EvidenceStatus>.Convert(item.Status),
        Handling = CommonMapping.ToProto(item.Handling),
        OwnerAgency = CommonMapping.ToProto(item.OwnerAgency),
        CreateTime = CommonMapping.ToProto(item.CreateTime),
        UpdateTime = CommonMapping.ToProto(item.UpdateTime),
        Etag = item.Etag,
        Content = item.Content is { } content
            ? new Proto.EvidenceContent { Sha256 = content.Sha256, SizeBytes = content.SizeBytes, MediaType = content.MediaType, FileName = content.FileName }
            : null,
        Custodian = item.Custodian,
        IntegrityCompromised = item.IntegrityCompromised,
    };

    public static void Apply(Proto.EvidenceItem? proto, EvidenceItem target, FieldErrors errors)
    {
        const string field = EvidenceKind.RequestField;
        if (proto is null)
        {
            throw FieldErrors.Invalid(field, "is required.");
        }

        target.ExhibitNumber = Input.Text(proto.ExhibitNumber, $"{field}.exhibit_number", errors, 50, required: true);
        target.Category = Input.Enum<Proto.EvidenceCategory, EvidenceCategory>(proto.Category, $"{field}.category", errors);
        target.Description = Input.Text(proto.Description, $"{field}.description", errors, 4000, required: true, multiline: true);
        target.Quantity = Quantity(proto.Quantity, $"{field}.quantity", errors);
        target.SeizeTime = Input.Time(proto.SeizeTime, $"{field}.seize_time", errors);
        target.SeizedAt = CommonMapping.ToDomain(proto.SeizedAt, $"{field}.seized_at", errors, requireStreet: false);
        target.HouseSearchId = ResourceNames.Link(proto.HouseSearch, target.OperationId, HouseSearch.Collection, $"{field}.house_search", errors);
        target.ArrestId = ResourceNames.Link(proto.Arrest, target.OperationId, Arrest.Collection, $"{field}.arrest", errors);
        target.StorageLocation = Input.Text(proto.StorageLocation, $"{field}.storage_location", errors, 500);
        target.Status = Input.Enum<Proto.EvidenceStatus, EvidenceStatus>(proto.Status, $"{field}.status", errors);
        target.Handling = CommonMapping.ToDomain(proto.Handling, $"{field}.handling", errors);
    }

    private static Quantity Quantity(Proto.Quantity? quantity, string field, FieldErrors errors)
    {
        if (quantity is null)
        {
            errors.Add(field, "is required.");
            return new Quantity();
        }

        errors.Check(double.IsFinite(quantity.Amount) && quantity.Amount > 0 && quantity.Amount < 1e12, $"{field}.amount", "must be a positive number.");
        var unit = Input.Enum<Proto.QuantityUnit, QuantityUnit>(quantity.Unit, $"{field}.unit", errors);

        return new Quantity { Amount = quantity.Amount, Unit = unit };
    }
}
