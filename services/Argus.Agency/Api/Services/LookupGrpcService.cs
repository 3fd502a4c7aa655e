using Argus.Agency.Api.Mapping;
using Argus.Agency.Audit;
using Argus.Agency.Domain;
using Argus.Agency.Domain.Lookups;
using Argus.Agency.Domain.Shared;
using Argus.Agency.Domain.Sharing;
using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Client.Security;
using Argus.Events;
using Argus.Hosting.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Lookup.V1;
using ProtoCommon = Argus.Common.V1;

namespace Argus.Agency.Api.Services;

/// <summary>Hit/no-hit lookups by partners, and the owner's decisions on their follow-ups.</summary>
[Authorize(ArgusScopes.Exchange)]
internal sealed class LookupGrpcService(AgencyDbContext db, SubjectMatcher matcher, RecordAccess access, Caller caller, ProcessingLog log,
    OutboxSignal outbox, IJurisdiction jurisdiction, TimeProvider clock) : Proto.LookupService.LookupServiceBase
{
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

        var now = Input.TruncateToMicroseconds(clock.GetUtcNow());
        if (matches.Count == 0)
        {
            await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Combination, "lookups", $"hit/no-hit lookup by {kind}: no hit", [requester.Code()]));
            return new() { Hit = false };
        }

        var lookup = new Domain.Lookups.Lookup { Id = ResourceNames.NewId(), Requester = requester, RequestedBy = caller.ClientId, Kind = kind, Matches = matches, CreateTime = now };
        db.Lookups.Add(lookup);
        // The requester learns "hit"; the log, which stays here, says what matched.
        await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Combination, lookup.Name,
            $"hit/no-hit lookup by {kind}: hit on {string.Join(' ', matches)}", [requester.Code()]), context.CancellationToken);
        return new() { Hit = true, Reference = lookup.Name };
    }

    public override async Task<Proto.CreateFollowUpResponse> CreateFollowUp(Proto.CreateFollowUpRequest request, ServerCallContext context)
    {
        var requester = PartnerOnly();
        var lookupId = LookupId(request.Parent, "parent");
        var errors = new FieldErrors();
        var purpose = Input.Text(request.FollowUp?.Purpose, "follow_up.purpose", errors, 500, required: true);
        errors.ThrowIfAny();
        // Someone else's lookup does not exist for this requester.
        var lookup = await db.Lookups.AsNoTracking().FirstOrDefaultAsync(l => l.Id == lookupId && l.Requester == requester, context.CancellationToken)
            ?? throw new ResourceNotFoundException(request.Parent);

        var now = Input.TruncateToMicroseconds(clock.GetUtcNow());
        var followUp = new FollowUp
        {
            Id = ResourceNames.NewId(), LookupId = lookup.Id, Requester = requester, RequestedBy = caller.ClientId, Purpose = purpose, CreateTime = now, Version = 1,
        };
        db.FollowUps.Add(followUp);
        // To this agency's own key: its officers' systems learn there is something to decide.
        db.OutboxMessages.Add(RecordEventFactory.ToOutbox(
            new LookupFollowUpRequested(Guid.CreateVersion7(), jurisdiction.Agency.Code(), followUp.Name, requester.Code(), now), jurisdiction.Agency.Code(), now));
        await db.SaveChangesAsync(context.CancellationToken);
        outbox.Notify();
        return new() { FollowUp = ToProto(followUp) };
    }

    public override async Task<Proto.GetFollowUpResponse> GetFollowUp(Proto.GetFollowUpRequest request, ServerCallContext context) =>
        new() { FollowUp = ToProto(await FindAsync(request.Name, tracked: false, context.CancellationToken)) };

    public override async Task<Proto.ListFollowUpsResponse> ListFollowUps(Proto.ListFollowUpsRequest request, ServerCallContext context)
    {
        var followUps = Visible(db.FollowUps.AsNoTracking());
        if (request.State != Proto.FollowUpState.Unspecified)
        {
            var errors = new FieldErrors();
            var state = Input.Enum<Proto.FollowUpState, FollowUpState>(request.State, "state", errors);
            errors.ThrowIfAny();
            followUps = followUps.Where(f => f.State == state);
        }

        var response = new Proto.ListFollowUpsResponse();
        response.FollowUps.AddRange((await followUps.OrderBy(f => f.Sequence).Take(1000).ToListAsync(context.CancellationToken)).Select(ToProto));
        return response;
    }

    public override async Task<Proto.DecideFollowUpResponse> DecideFollowUp(Proto.DecideFollowUpRequest request, ServerCallContext context)
    {
        if (access.CallerIsPartner)
        {
            throw new AccessDeniedException("Only an officer of the agency that holds the records decides on a follow-up.");
        }

        var errors = new FieldErrors();
        var reason = Input.Text(request.Reason, "reason", errors, 500, required: true);
        var handling = request.Approve ? CommonMapping.ToDomain(request.Handling, "handling", errors) : null;
        errors.ThrowIfAny();
        var followUp = await FindAsync(request.Name, tracked: true, context.CancellationToken);
        if (followUp.State != FollowUpState.Pending)
        {
            throw new PreconditionFailedException($"{followUp.Name} was already {followUp.State.ToString().ToLowerInvariant()} by {followUp.DecidedBy}.");
        }

        var now = Input.TruncateToMicroseconds(clock.GetUtcNow());
        followUp.State = request.Approve ? FollowUpState.Approved : FollowUpState.Refused;
        followUp.DecidedBy = caller.ClientId;
        followUp.DecisionReason = reason;
        followUp.DecideTime = now;
        followUp.Version++;
        var disclosed = new List<string>();
        if (handling is not null)
        {
            var lookup = await db.Lookups.AsNoTracking().FirstAsync(l => l.Id == followUp.LookupId, context.CancellationToken);
            foreach (var record in lookup.Matches)
            {
                if (!await StillExistsAsync(record, context.CancellationToken))
                {
                    continue; // erased since the lookup
                }

                var share = new Share
                {
                    Id = ResourceNames.NewId(), OperationId = record.Split('/')[1], Record = record, Recipient = followUp.Requester, Handling = handling,
                    Purpose = $"Follow-up {followUp.Name}: {followUp.Purpose}", SharedBy = caller.ClientId, CreateTime = now,
                };
                db.AddShare(share, jurisdiction.Agency);
                followUp.Shares.Add(share.Name);
                disclosed.Add(record);
            }
        }

        foreach (var route in new[] { followUp.Requester.Code(), jurisdiction.Agency.Code() })
        {
            // One event id per copy, as for record events.
            var decided = new LookupFollowUpDecided(Guid.CreateVersion7(), jurisdiction.Agency.Code(), followUp.Name, followUp.Requester.Code(), request.Approve, now);
            db.OutboxMessages.Add(RecordEventFactory.ToOutbox(decided, route, now));
        }

        try
        {
            var entry = request.Approve
                ? new ProcessingEvent(ProcessingAction.Disclosure, followUp.Name, $"follow-up approved, shared under {handling!.Code}: {string.Join(' ', disclosed)}; {reason}", [followUp.Requester.Code()])
                : new ProcessingEvent(ProcessingAction.Alteration, followUp.Name, $"follow-up refused: {reason}", [followUp.Requester.Code()]);
            await log.SaveWithEntryAsync(db, entry, context.CancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrentChangeException($"{followUp.Name} was decided by someone else at the same time; read it again.");
        }

        outbox.Notify();
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
        access.Partner ?? throw new AccessDeniedException("Hit/no-hit lookups are for partner agencies; this agency's own callers read its records directly.");

    /// <summary>The owner's callers see every follow-up; a partner only its own.</summary>
    private IQueryable<FollowUp> Visible(IQueryable<FollowUp> followUps)
    {
        if (!access.CallerIsPartner)
        {
            return followUps;
        }

        return access.Partner is { } partner
            ? followUps.Where(f => f.Requester == partner)
            : followUps.Where(_ => false);
    }

    private async Task<FollowUp> FindAsync(string name, bool tracked, CancellationToken cancellationToken)
    {
        var parts = name.Split('/');
        if (parts is not [Domain.Lookups.Lookup.Collection, var lookupId, FollowUp.Collection, var id])
        {
            throw FieldErrors.Invalid("name", "must be \"lookups/{lookup}/followUps/{follow_up}\".");
        }

        var query = Visible(tracked ? db.FollowUps : db.FollowUps.AsNoTracking());
        return await query.FirstOrDefaultAsync(f => f.LookupId == lookupId && f.Id == id, cancellationToken) ?? throw new ResourceNotFoundException(name);
    }

    private static string LookupId(string reference, string field) =>
        reference.Split('/') is [Domain.Lookups.Lookup.Collection, var id] && id.Length is > 0 and <= 64
            ? id
            : throw FieldErrors.Invalid(field, "must be a lookup reference, \"lookups/{lookup}\".");

    private Task<bool> StillExistsAsync(string record, CancellationToken cancellationToken)
    {
        var parts = record.Split('/');
        return db.Arrests.AnyAsync(a => a.OperationId == parts[1] && a.Id == parts[3], cancellationToken);
    }

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
