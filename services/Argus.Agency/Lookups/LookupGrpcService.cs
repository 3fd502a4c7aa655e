using Argus.Agency.Callers;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Lookup.V1;
using ProtoCommon = Argus.Common.V1;

namespace Argus.Agency.Lookups;

/// <summary>Hit/no-hit lookups by partners, and the owner's decisions on their follow-ups.</summary>
[Authorize(ArgusScopes.Exchange)]
internal sealed class LookupGrpcService(HitNoHitLookups lookups, SubjectMatcher matcher, RecordAccess access, Caller caller, TimeProvider clock)
    : Proto.LookupService.LookupServiceBase
{
    [OpenToPartners]
    public override async Task<Proto.LookupResponse> Lookup(Proto.LookupRequest request, ServerCallContext context)
    {
        var requester = PartnerOnly();
        access.RequireJustifiedRead();
        var errors = new FieldErrors();
        var (kind, matches) = request.SubjectCase switch
        {
            Proto.LookupRequest.SubjectOneofCase.NationalIdentifier => ("national identifier", await ByIdentifierAsync(request.NationalIdentifier, errors, context.CancellationToken)),
            Proto.LookupRequest.SubjectOneofCase.Person => ("name and date of birth", await ByPersonAsync(request.Person, errors, context.CancellationToken)),
            Proto.LookupRequest.SubjectOneofCase.Handle => ("handle", await ByHandleAsync(request.Handle, errors, context.CancellationToken)),
            _ => ("", Fail(errors)),
        };
        errors.ThrowIfAny();

        var lookup = await lookups.LookUpAsync(requester, new LookupQuery(kind, matches), context.CancellationToken);
        return lookup is null ? new() { Hit = false } : new() { Hit = true, Reference = lookup.Name };
    }

    [OpenToPartners]
    public override async Task<Proto.CreateFollowUpResponse> CreateFollowUp(Proto.CreateFollowUpRequest request, ServerCallContext context)
    {
        var requester = PartnerOnly();
        var lookupId = LookupId(request.Parent, "parent");
        var errors = new FieldErrors();
        var purpose = Input.Text(request.FollowUp?.Purpose, "follow_up.purpose", errors, 500, required: true);
        errors.ThrowIfAny();
        return new() { FollowUp = ToProto(await lookups.RequestFollowUpAsync(requester, lookupId, request.Parent, purpose, context.CancellationToken)) };
    }

    [OpenToPartners]
    public override async Task<Proto.GetFollowUpResponse> GetFollowUp(Proto.GetFollowUpRequest request, ServerCallContext context)
    {
        var (lookupId, id) = FollowUpName(request.Name);
        return new() { FollowUp = ToProto(await lookups.GetFollowUpAsync(lookupId, id, request.Name, context.CancellationToken)) };
    }

    [OpenToPartners]
    public override async Task<Proto.ListFollowUpsResponse> ListFollowUps(Proto.ListFollowUpsRequest request, ServerCallContext context)
    {
        FollowUpState? state = null;
        if (request.State != Proto.FollowUpState.Unspecified)
        {
            var errors = new FieldErrors();
            state = Input.Enum<Proto.FollowUpState, FollowUpState>(request.State, "state", errors);
            errors.ThrowIfAny();
        }

        var response = new Proto.ListFollowUpsResponse();
        response.FollowUps.AddRange((await lookups.ListFollowUpsAsync(state, context.CancellationToken)).Select(ToProto));
        return response;
    }

    /// <summary>Only an officer of the agency that holds the records decides on a follow-up (not open to partners).</summary>
    public override async Task<Proto.DecideFollowUpResponse> DecideFollowUp(Proto.DecideFollowUpRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var reason = Input.Text(request.Reason, "reason", errors, 500, required: true);
        var handling = request.Approve ? CommonMapping.ToDomain(request.Handling, "handling", errors) : null;
        errors.ThrowIfAny();
        var (lookupId, id) = FollowUpName(request.Name);
        var followUp = await lookups.DecideAsync(lookupId, id, request.Name, request.Approve, reason, handling, context.CancellationToken);
        return new() { FollowUp = ToProto(followUp) };
    }

    private async Task<List<string>> ByIdentifierAsync(ProtoCommon.NationalIdentifier identifier, FieldErrors errors, CancellationToken cancellationToken)
    {
        var (country, value) = CommonMapping.NationalIdentifier(identifier, "national_identifier", errors, dateOfBirth: null);
        return errors.Any || country is null || value is null
            ? []
            : await matcher.ByNationalIdentifierAsync(country, value, cancellationToken);
    }

    private async Task<List<string>> ByPersonAsync(Proto.NameAndBirthDate person, FieldErrors errors, CancellationToken cancellationToken)
    {
        var familyName = Input.Text(person.FamilyName, "person.family_name", errors, 200, required: true);
        var givenNames = Input.Text(person.GivenNames, "person.given_names", errors, 200);
        var dateOfBirth = CommonMapping.Date(person.DateOfBirth, "person.date_of_birth", errors, clock.GetUtcNow());
        return errors.Any || dateOfBirth is null ? [] : await matcher.ByNameAndBirthDateAsync(givenNames, familyName, dateOfBirth.Value, cancellationToken);
    }

    private async Task<List<string>> ByHandleAsync(ProtoCommon.CommunicationIdentifier handle, FieldErrors errors, CancellationToken cancellationToken)
    {
        var identifier = CommonMapping.CommunicationIdentifier(handle, "handle", errors);
        return errors.Any ? [] : await matcher.ByHandleAsync(identifier, cancellationToken);
    }

    private static List<string> Fail(FieldErrors errors)
    {
        errors.Add("subject", "is required: a national_identifier, a person (name and date of birth) or a handle.");
        return [];
    }

    /// <summary>Lookups are for partner agencies: the owner's own callers search their own records directly.</summary>
    private AgencyCode PartnerOnly() =>
        caller.Partner ?? throw new AccessDeniedException("Hit/no-hit lookups are for partner agencies; this agency's own callers read its records directly.");

    private static (string LookupId, string Id) FollowUpName(string name) =>
        name.Split('/') is [Lookups.Lookup.Collection, var lookupId, FollowUp.Collection, var id]
            ? (lookupId, id)
            : throw FieldErrors.Invalid("name", "must be \"lookups/{lookup}/followUps/{follow_up}\".");

    private static string LookupId(string reference, string field) =>
        reference.Split('/') is [Lookups.Lookup.Collection, var id] && id.Length is > 0 and <= 64
            ? id
            : throw FieldErrors.Invalid(field, "must be a lookup reference, \"lookups/{lookup}\".");

    private static Proto.FollowUp ToProto(FollowUp followUp)
    {
        var proto = new Proto.FollowUp
        {
            Name = followUp.Name,
            Requester = CommonMapping.ToProto(followUp.Requester),
            Purpose = followUp.Purpose,
            State = EnumMap<FollowUpState, Proto.FollowUpState>.Convert(followUp.State),
            DecidedBy = followUp.DecidedBy ?? "",
            DecisionReason = followUp.DecisionReason ?? "",
            CreateTime = Timestamp.FromDateTimeOffset(followUp.CreateTime),
            DecideTime = followUp.DecideTime is { } decided ? Timestamp.FromDateTimeOffset(decided) : null,
        };
        proto.Shares.AddRange(followUp.Shares);
        return proto;
    }
}
