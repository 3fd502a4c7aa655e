using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Shared = Argus.Agency.Shared;
using Proto = Argus.Searches.V1;
using ProtoCommon = Argus.Common.V1;

namespace Argus.Agency.HouseSearches;

internal static class HouseSearchMapping
{
    public static readonly IReadOnlySet<string> Updatable = new HashSet<string>
    {
        "address", "search_time", "warrant_reference", "authorised_by", "result_summary", "searching_agency", "handling",
    };

    public static Proto.HouseSearch ToProto(HouseSearch search) => new()
    {
        Name = search.Name,
        Address = CommonMapping.ToProto(search.Address),
        SearchTime = CommonMapping.ToProto(search.SearchTime),
        WarrantReference = search.WarrantReference,
        AuthorisedBy = search.AuthorisedBy,
        ResultSummary = search.ResultSummary,
        SearchingAgency = CommonMapping.ToProto(search.SearchingAgency),
        Handling = CommonMapping.ToProto(search.Handling),
        OwnerAgency = CommonMapping.ToProto(search.OwnerAgency),
        CreateTime = CommonMapping.ToProto(search.CreateTime),
        UpdateTime = CommonMapping.ToProto(search.UpdateTime),
        Etag = search.Etag,
    };

    public static void Apply(Proto.HouseSearch? proto, HouseSearch target, Shared.AgencyCode owner, FieldErrors errors)
    {
        const string field = HouseSearchKind.RequestField;
        if (proto is null)
        {
            throw FieldErrors.Invalid(field, "is required.");
        }

        target.Address = CommonMapping.ToDomain(proto.Address, $"{field}.address", errors, requireStreet: true);
        target.SearchTime = Input.Time(proto.SearchTime, $"{field}.search_time", errors);
        target.WarrantReference = Input.Text(proto.WarrantReference, $"{field}.warrant_reference", errors, 100, required: true);
        target.AuthorisedBy = Input.Text(proto.AuthorisedBy, $"{field}.authorised_by", errors, 200, required: true);
        target.ResultSummary = Input.Text(proto.ResultSummary, $"{field}.result_summary", errors, 4000, multiline: true);
        target.SearchingAgency = proto.SearchingAgency == ProtoCommon.AgencyCode.Unspecified
            ? owner
            : Input.Enum<ProtoCommon.AgencyCode, Shared.AgencyCode>(proto.SearchingAgency, $"{field}.searching_agency", errors);
        target.Handling = CommonMapping.ToDomain(proto.Handling, $"{field}.handling", errors);
    }
}
