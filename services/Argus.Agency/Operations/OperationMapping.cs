using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Shared = Argus.Agency.Shared;
using Proto = Argus.Operations.V1;
using ProtoCommon = Argus.Common.V1;

namespace Argus.Agency.Operations;

internal static class OperationMapping
{
    public static readonly IReadOnlySet<string> Updatable = new HashSet<string>
    {
        "code_name", "internal_case_number", "lead_agency", "participating_agencies", "legal_basis", "status",
        "start_time", "end_time", "handling", "classification", "description",
    };

    public static Proto.Operation ToProto(Operation operation)
    {
        var proto = new Proto.Operation
        {
            Name = operation.Name,
            CodeName = operation.CodeName,
            InternalCaseNumber = operation.InternalCaseNumber,
            LeadAgency = CommonMapping.ToProto(operation.LeadAgency),
            LegalBasis = operation.LegalBasis,
            Status = EnumMap<OperationStatus, Proto.OperationStatus>.Convert(operation.Status),
            StartTime = CommonMapping.ToProto(operation.StartTime),
            EndTime = operation.EndTime is { } end ? CommonMapping.ToProto(end) : null,
            Handling = CommonMapping.ToProto(operation.Handling),
            Classification = EnumMap<Shared.Classification, ProtoCommon.Classification>.Convert(operation.Classification),
            Description = operation.Description,
            OwnerAgency = CommonMapping.ToProto(operation.OwnerAgency),
            CreateTime = CommonMapping.ToProto(operation.CreateTime),
            UpdateTime = CommonMapping.ToProto(operation.UpdateTime),
            Etag = operation.Etag,
        };
        proto.ParticipatingAgencies.AddRange(operation.ParticipatingAgencies.Select(CommonMapping.ToProto));
        return proto;
    }

    /// <summary>Translates <paramref name="proto"/> into <paramref name="target"/>, naming every field it cannot read; the rules are the entity's (Operation.CheckRules).</summary>
    public static void Apply(Proto.Operation? proto, Operation target, IJurisdiction jurisdiction, FieldErrors errors)
    {
        const string field = OperationKind.RequestField;
        if (proto is null)
        {
            throw FieldErrors.Invalid(field, "is required.");
        }

        var caseNumber = Input.Text(proto.InternalCaseNumber, $"{field}.internal_case_number", errors, 64, required: true);
        if (caseNumber.Length > 0)
        {
            errors.Check(jurisdiction.IsValidCaseNumber(caseNumber), $"{field}.internal_case_number",
                $"\"{Input.Shorten(caseNumber)}\" is not a valid {jurisdiction.CaseNumberName} (expected a number like \"{jurisdiction.CaseNumberExample}\").");
        }

        var lead = Input.Enum<ProtoCommon.AgencyCode, Shared.AgencyCode>(proto.LeadAgency, $"{field}.lead_agency", errors);
        var participants = proto.ParticipatingAgencies
            .Select((agency, i) => Input.Enum<ProtoCommon.AgencyCode, Shared.AgencyCode>(agency, $"{field}.participating_agencies[{i}]", errors))
            .Distinct()
            .ToList();

        var status = Input.Enum<Proto.OperationStatus, OperationStatus>(proto.Status, $"{field}.status", errors);
        var start = Input.Time(proto.StartTime, $"{field}.start_time", errors);
        var end = Input.OptionalTime(proto.EndTime, $"{field}.end_time", errors);

        target.CodeName = Input.Text(proto.CodeName, $"{field}.code_name", errors, 100, required: true);
        target.InternalCaseNumber = caseNumber;
        target.LeadAgency = lead;
        target.ParticipatingAgencies = participants;
        target.LegalBasis = Input.Text(proto.LegalBasis, $"{field}.legal_basis", errors, 1000, required: true);
        target.Status = status;
        target.StartTime = start;
        target.EndTime = end;
        target.Handling = CommonMapping.ToDomain(proto.Handling, $"{field}.handling", errors);
        target.Classification = Input.Enum<ProtoCommon.Classification, Shared.Classification>(proto.Classification, $"{field}.classification", errors);
        target.Description = Input.Text(proto.Description, $"{field}.description", errors, 4000, multiline: true);
    }
}
