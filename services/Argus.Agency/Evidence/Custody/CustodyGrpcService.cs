using Argus.Agency.Callers;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Evidence.V1;

namespace Argus.Agency.Evidence.Custody;

/// <summary>
/// The custody API: this agency's own items through <see cref="CustodyBook"/>; a partner's item
/// this agency holds (owner_agency set) through <see cref="PartnerCustody"/>, which verifies this
/// agency's copy and records the event with the owner.
/// </summary>
internal sealed class CustodyGrpcService(CustodyBook book, PartnerCustody partners, RecordStore store, RecordAccess access, Caller caller, IJurisdiction jurisdiction)
    : Proto.CustodyService.CustodyServiceBase
{
    private static readonly EvidenceKind Kind = EvidenceKind.Instance;

    [Authorize(ArgusScopes.EvidenceRead), OpenToPartners]
    public override async Task<Proto.ListCustodyEventsResponse> ListCustodyEvents(Proto.ListCustodyEventsRequest request, ServerCallContext context)
    {
        // Reading the history is reading the item: justified, shared, logged (GetAsync).
        var item = await store.GetAsync<EvidenceItem>(Kind.ParseName(request.Parent, "parent"), context.CancellationToken);
        var response = new Proto.ListCustodyEventsResponse { Custodian = item.Custodian, PendingHandover = item.PendingHandover ?? "" };
        response.CustodyEvents.AddRange((await book.HistoryAsync(item, context.CancellationToken)).Select(CustodyMapping.ToProto));
        return response;
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.RecordCustodyEventResponse> RecordCustodyEvent(Proto.RecordCustodyEventRequest request, ServerCallContext context)
    {
        var name = Kind.ParseName(request.Parent, "parent");
        var proposal = Proposal(request.CustodyEvent, "custody_event", [CustodyAction.Stored, CustodyAction.Examined, CustodyAction.Returned, CustodyAction.Destroyed]);
        if (Owner(request.OwnerAgency) is { } owner)
        {
            return new() { CustodyEvent = await partners.RecordAsync(owner, name, proposal, context.CancellationToken) };
        }

        return new() { CustodyEvent = CustodyMapping.ToProto(await book.AppendAsync(name, proposal, Actor(), null, context.CancellationToken)) };
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.HandOverEvidenceResponse> HandOverEvidence(Proto.HandOverEvidenceRequest request, ServerCallContext context)
    {
        var name = Kind.ParseName(request.Parent, "parent");
        var errors = new FieldErrors();
        var receiver = request.Receiver.Trim();
        errors.Check(Custodians.AgencyOf(receiver) is not null, "receiver",
            $"\"{Input.Shorten(request.Receiver)}\" is not a receiver like \"agencies/be\" or \"agencies/nl/clients/{{client_id}}\".");
        var proposal = new CustodyEvent
        {
            Action = CustodyAction.HandedOver,
            ToCustodian = receiver,
            Purpose = Input.Text(request.Purpose, "purpose", errors, 1000, required: true),
            Authorisation = Input.Text(request.Authorisation, "authorisation", errors, 500, required: true),
            Officer = Input.Text(request.Officer, "officer", errors, 200),
            SealNumber = Input.Text(request.SealNumber, "seal_number", errors, 100),
            TimeZone = TimeZone(request.TimeZone, "time_zone", errors),
        };
        errors.ThrowIfAny();
        if (Owner(request.OwnerAgency) is { } owner)
        {
            return new() { CustodyEvent = await partners.RecordAsync(owner, name, proposal, context.CancellationToken) };
        }

        return new() { CustodyEvent = CustodyMapping.ToProto(await book.AppendAsync(name, proposal, Actor(), null, context.CancellationToken)) };
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.AcknowledgeHandoverResponse> AcknowledgeHandover(Proto.AcknowledgeHandoverRequest request, ServerCallContext context)
    {
        var (item, _) = HandoverName(request.Handover, "handover");
        var errors = new FieldErrors();
        var proposal = new CustodyEvent
        {
            Action = CustodyAction.HandoverAcknowledged,
            Acknowledges = request.Handover,
            Officer = Input.Text(request.Officer, "officer", errors, 200),
            StorageLocation = Input.Text(request.StorageLocation, "storage_location", errors, 500),
            SealNumber = Input.Text(request.SealNumber, "seal_number", errors, 100),
            TimeZone = TimeZone(request.TimeZone, "time_zone", errors),
        };
        errors.ThrowIfAny();
        if (Owner(request.OwnerAgency) is { } owner)
        {
            return await partners.AcknowledgeAsync(owner, item, proposal, context.CancellationToken);
        }

        var acknowledged = await book.AppendAsync(item, proposal, Actor(), null, context.CancellationToken);
        return new() { CustodyEvent = CustodyMapping.ToProto(acknowledged), VerifiedSha256 = acknowledged.VerifiedSha256 };
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.VerifyEvidenceIntegrityResponse> VerifyEvidenceIntegrity(Proto.VerifyEvidenceIntegrityRequest request, ServerCallContext context)
    {
        var (recorded, intact, computed) = await book.VerifyAsync(Kind.ParseName(request.Parent, "parent"), Actor(), context.CancellationToken);
        return new() { CustodyEvent = CustodyMapping.ToProto(recorded), Intact = intact, ComputedSha256 = computed };
    }

    [Authorize(ArgusScopes.Exchange), OpenToPartners]
    public override async Task<Proto.RecordPartnerCustodyEventResponse> RecordPartnerCustodyEvent(Proto.RecordPartnerCustodyEventRequest request, ServerCallContext context)
    {
        var name = Kind.ParseName(request.Parent, "parent");
        var partner = caller.Partner ?? throw new AccessDeniedException("Only a partner agency's service records a partner's custody events; this agency records its own with RecordCustodyEvent.");
        if (!caller.IsAgencyService)
        {
            // It names the client it acts for (acting_client_id): only the partner's own service is trusted to.
            throw new AccessDeniedException("Only a partner agency's own service records custody events for its clients; call your agency's service (AcknowledgeHandover, RecordCustodyEvent with owner_agency).");
        }

        var proposed = request.CustodyEvent ?? throw FieldErrors.Invalid("custody_event", "is required.");
        var proposal = Proposal(proposed, "custody_event",
            [CustodyAction.HandoverAcknowledged, CustodyAction.Examined, CustodyAction.Stored, CustodyAction.HandedOver, CustodyAction.IntegrityCompromised]);
        var errors = new FieldErrors();
        var actingClient = Input.Text(proposed.ActingClientId, "custody_event.acting_client_id", errors, 100, required: true);
        proposal.Acknowledges = Input.Text(proposed.Acknowledges, "custody_event.acknowledges", errors, 300);
        proposal.ToCustodian = proposed.ToCustodian.Trim();
        if (proposal.Action == CustodyAction.HandedOver)
        {
            errors.Check(Custodians.AgencyOf(proposal.ToCustodian) is not null, "custody_event.to_custodian", "must name the receiver, like \"agencies/nl\".");
        }

        var verified = proposed.VerifiedSha256.Length == 0 ? "" : EvidenceContentSha256(proposed.VerifiedSha256, errors);
        errors.ThrowIfAny();

        // Shared with the partner, or as if it did not exist.
        var item = await store.RequireAsync<EvidenceItem>(name, context.CancellationToken);
        _ = await access.ShownAsync(item, context.CancellationToken) ?? throw new ResourceNotFoundException(name.ToString());
        if (item.Content is not null && CustodyBook.NeedsVerification(proposal.Action) && verified.Length == 0)
        {
            // The owner cannot hash what the partner holds: the partner's service says what its copy hashes to.
            throw FieldErrors.Invalid("custody_event.verified_sha256", $"is required for {proposal.Action} of an item with content: the SHA-256 of the copy you hold.");
        }

        var actor = new CustodyActor(partner, actingClient, caller.ClientId);
        var appended = proposal.Action == CustodyAction.IntegrityCompromised
            ? await book.MarkCompromisedAsync(name, actor, verified, Argus.Hosting.Errors.BoundedText.Shorten($"{partner.Code().ToUpperInvariant()} reports: {proposal.Result}", 3900), context.CancellationToken)
            : await book.AppendAsync(name, proposal, actor, verified, context.CancellationToken);
        return new() { CustodyEvent = CustodyMapping.ToProto(appended) };
    }

    private CustodyActor Actor() => new(jurisdiction.Agency, caller.ClientId);

    /// <summary>The owner named by a request: null for this agency's own items.</summary>
    private AgencyCode? Owner(Common.V1.AgencyCode owner) =>
        CommonMapping.ToDomain(owner) is { } agency && agency != jurisdiction.Agency ? agency : null;

    private static string EvidenceContentSha256(string value, FieldErrors errors) =>
        Input.Sha256(value, "custody_event.verified_sha256", errors);

    /// <summary>The event the caller proposes: one of <paramref name="allowed"/>, with its fields checked.</summary>
    private static CustodyEvent Proposal(Proto.CustodyEvent? proposed, string field, IReadOnlyList<CustodyAction> allowed)
    {
        if (proposed is null)
        {
            throw FieldErrors.Invalid(field, "is required.");
        }

        var errors = new FieldErrors();
        var action = Input.Enum<Proto.CustodyAction, CustodyAction>(proposed.Action, $"{field}.action", errors);
        if (action != default)
        {
            errors.Check(allowed.Contains(action), $"{field}.action",
                $"must be one of {string.Join(", ", allowed)} here (handovers, acknowledgements and verifications have methods of their own).");
        }

        var e = new CustodyEvent
        {
            Action = action,
            Officer = Input.Text(proposed.Officer, $"{field}.officer", errors, 200),
            TimeZone = TimeZone(proposed.TimeZone, $"{field}.time_zone", errors),
            StorageLocation = Input.Text(proposed.StorageLocation, $"{field}.storage_location", errors, 500, required: action == CustodyAction.Stored),
            SealNumber = Input.Text(proposed.SealNumber, $"{field}.seal_number", errors, 100),
            Authorisation = Input.Text(proposed.Authorisation, $"{field}.authorisation", errors, 500,
                required: action is CustodyAction.Returned or CustodyAction.Destroyed or CustodyAction.HandedOver),
            Purpose = Input.Text(proposed.Purpose, $"{field}.purpose", errors, 1000, required: action == CustodyAction.HandedOver),
            Tool = Input.Text(proposed.Tool, $"{field}.tool", errors, 200, required: action == CustodyAction.Examined),
            ToolVersion = Input.Text(proposed.ToolVersion, $"{field}.tool_version", errors, 100),
            Result = Input.Text(proposed.Result, $"{field}.result", errors, 4000, multiline: true),
        };
        errors.ThrowIfAny();
        return e;
    }

    private static string TimeZone(string value, string field, FieldErrors errors)
    {
        var zone = Input.Text(value, field, errors, 64);
        errors.Check(zone.Length == 0 || CustodyTimeZones.IsKnown(zone), field, $"\"{Input.Shorten(zone)}\" is not an IANA time zone such as Europe/Amsterdam.");
        return zone;
    }

    /// <summary>A handover's name: its item, and its index.</summary>
    internal static (RecordName Item, long Index) HandoverName(string name, string field)
    {
        var at = name.LastIndexOf("/" + CustodyEvent.Collection + "/", StringComparison.Ordinal);
        if (at > 0 && long.TryParse(name.AsSpan(at + CustodyEvent.Collection.Length + 2), System.Globalization.NumberStyles.None, null, out var index) && index > 0)
        {
            return (Kind.ParseName(name[..at], field), index);
        }

        throw FieldErrors.Invalid(field, $"\"{Input.Shorten(name)}\" is not a name like \"operations/argus/evidenceItems/{{item}}/custodyEvents/{{index}}\".");
    }
}
