using Argus.Agency.Records;
using Argus.Agency.HouseSearches;
using Argus.Hosting.Errors;
using Shared = Argus.Agency.Shared;
using Proto = Argus.Arrests.V1;
using ProtoCommon = Argus.Common.V1;

namespace Argus.Agency.Arrests;

internal static class ArrestMapping
{
    public static readonly IReadOnlySet<string> Updatable = new HashSet<string>
    {
        "subject", "arrest_time", "place", "arresting_agency", "offences", "legal_basis", "custody_status", "house_search", "handling",
    };

    public static Proto.Arrest ToProto(Arrest arrest)
    {
        var proto = new Proto.Arrest
        {
            Name = arrest.Name,
            Subject = CommonMapping.ToProto(arrest.Subject),
            ArrestTime = CommonMapping.ToProto(arrest.ArrestTime),
            Place = CommonMapping.ToProto(arrest.Place),
            ArrestingAgency = CommonMapping.ToProto(arrest.ArrestingAgency),
            LegalBasis = arrest.LegalBasis,
            CustodyStatus = EnumMap<CustodyStatus, Proto.CustodyStatus>.Convert(arrest.CustodyStatus),
            HouseSearch = arrest.HouseSearchId is { } search ? ResourceNames.ChildName(arrest.OperationId, HouseSearch.Collection, search) : "",
            Handling = CommonMapping.ToProto(arrest.Handling),
            OwnerAgency = CommonMapping.ToProto(arrest.OwnerAgency),
            CreateTime = CommonMapping.ToProto(arrest.CreateTime),
            UpdateTime = CommonMapping.ToProto(arrest.UpdateTime),
            Etag = arrest.Etag,
        };
        proto.Offences.AddRange(arrest.Offences.Select(CommonMapping.ToProto));
        return proto;
    }

    public static void Apply(Proto.Arrest? proto, Arrest target, Shared.AgencyCode owner, DateTimeOffset now, FieldErrors errors)
    {
        const string field = ArrestKind.RequestField;
        if (proto is null)
        {
            throw FieldErrors.Invalid(field, "is required.");
        }

        target.Subject = CommonMapping.ToDomain(proto.Subject, $"{field}.subject", errors, now);
        target.ArrestTime = Input.Time(proto.ArrestTime, $"{field}.arrest_time", errors);
        target.Place = CommonMapping.ToDomain(proto.Place, $"{field}.place", errors, requireStreet: false);
        target.ArrestingAgency = proto.ArrestingAgency == ProtoCommon.AgencyCode.Unspecified
            ? owner
            : Input.Enum<ProtoCommon.AgencyCode, Shared.AgencyCode>(proto.ArrestingAgency, $"{field}.arresting_agency", errors);
        target.Offences = CommonMapping.ToDomain(proto.Offences, $"{field}.offences", errors);
        target.LegalBasis = Input.Text(proto.LegalBasis, $"{field}.legal_basis", errors, 1000, required: true);
        target.CustodyStatus = Input.Enum<Proto.CustodyStatus, CustodyStatus>(proto.CustodyStatus, $"{field}.custody_status", errors);
        target.HouseSearchId = ResourceNames.Link(proto.HouseSearch, target.OperationId, HouseSearch.Collection, $"{field}.house_search", errors);
        target.Handling = CommonMapping.ToDomain(proto.Handling, $"{field}.handling", errors);
    }
}
