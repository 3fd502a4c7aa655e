using Argus.Agency.Evidence.Content;
using Argus.Agency.Persistence;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Evidence.Custody;

/// <summary>
/// The one writer of custody histories. Each event is appended with the item's new state (status,
/// custodian, pending handover) as one change of the item — one transaction, its processing-log
/// entry and its events to partners included — so the history and the item never disagree, and two
/// writers at once cannot fork a history (the item's version and the unique index both refuse the
/// second). Who may do what: only the current custodian acts on an item; only the named receiver
/// acknowledges a handover; every handover and examination first re-verifies the content's hash,
/// and a mismatch is recorded (irreversibly) before the request is refused.
/// </summary>
public sealed class CustodyBook(AgencyDbContext db, RecordStore store, IContentStore content, IRecordShares shares, TimeProvider clock)
{
    private static readonly EvidenceKind Kind = EvidenceKind.Instance;

    /// <summary>The item's history, oldest first (not a consultation by itself: the caller logs the read).</summary>
    public async Task<IReadOnlyList<CustodyEvent>> HistoryAsync(EvidenceItem item, CancellationToken cancellationToken) =>
        await db.Set<CustodyEvent>().AsNoTracking().Where(x => x.ItemSequence == item.Sequence).OrderBy(x => x.Index).ToListAsync(cancellationToken);

    /// <summary>The first event of a newly registered item: seized by its registering client, who is its first custodian.</summary>
    public CustodyEvent Seizure(EvidenceItem item, CustodyActor actor, string timeZone)
    {
        item.Custodian = actor.Custodian;
        // The event is the seizure itself, at the time it happened; when it was registered is its result.
        var seized = New(item, CustodyAction.Seized, actor, Input.TruncateToMicroseconds(item.SeizeTime.ToUniversalTime()));
        seized.Result = $"registered {clock.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC";
        seized.Item = item;
        seized.TimeZone = timeZone;
        seized.StorageLocation = item.StorageLocation;
        seized.ToCustodian = actor.Custodian;
        Chain(item, seized);
        return seized;
    }

    /// <summary>
    /// Appends what <paramref name="actor"/> did (<paramref name="proposal"/>: its action and the
    /// fields the caller gave) to the history of <paramref name="name"/>.
    /// </summary>
    /// <param name="partnerVerifiedSha256">
    /// For a partner's event: the hash the partner's service computed over its own copy (the owner
    /// cannot hash what the partner holds). Null for this agency's own events: the stored content is hashed here.
    /// </param>
    public async Task<CustodyEvent> AppendAsync(RecordName name, CustodyEvent proposal, CustodyActor actor, string? partnerVerifiedSha256, CancellationToken cancellationToken)
    {
        var current = await store.RequireAsync<EvidenceItem>(name, cancellationToken);
        await RequireAllowedAsync(current, proposal, actor, cancellationToken);
        var verified = "";
        if (current.Content is { } itemContent && NeedsVerification(proposal.Action))
        {
            verified = partnerVerifiedSha256 ?? await content.HashAsync(itemContent.Sha256, cancellationToken) ?? "";
            if (verified != itemContent.Sha256)
            {
                var how = partnerVerifiedSha256 is null
                    ? verified.Length == 0 ? "the stored content is missing" : $"the stored content hashes to {verified}"
                    : $"{actor.Agency.Code().ToUpperInvariant()}'s copy hashes to {Input.Shorten(verified)}";
                await MarkCompromisedAsync(name, actor, verified, $"{how}, not {itemContent.Sha256} (found at {proposal.Action})", cancellationToken);
                throw new PreconditionFailedException(
                    $"{name}'s content failed verification ({how}, not {itemContent.Sha256}): the item is marked integrity compromised and nothing else was recorded.");
            }
        }

        return await AppendCheckedAsync(name, proposal, actor, verified, cancellationToken);
    }

    /// <summary>Attaches verified content to the item (its first and only content) and records that it was acquired.</summary>
    /// <exception cref="ContentAlreadyAttachedException">Another upload of the same content attached it first.</exception>
    public Task<CustodyEvent> AttachContentAsync(RecordName name, EvidenceContent attached, CustodyActor actor, Func<Task> alsoSave, CancellationToken cancellationToken) =>
        AgainIfRacedAsync(() => AttachOnceAsync(name, attached, actor, alsoSave, cancellationToken));

    private async Task<CustodyEvent> AttachOnceAsync(RecordName name, EvidenceContent attached, CustodyActor actor, Func<Task> alsoSave, CancellationToken cancellationToken)
    {
        CustodyEvent? appended = null;
        await store.UpdateAsync<EvidenceItem>(name, "", ["content"], async item =>
        {
            // Content is acquired by the custodian, while nothing is in transit and custody goes on.
            await RequireAllowedAsync(item, new CustodyEvent { Action = CustodyAction.ContentAcquired }, actor, cancellationToken);
            if (item.WhyNotContent(attached.Sha256) is { } refusal)
            {
                throw new PreconditionFailedException(refusal);
            }

            if (item.Content is not null)
            {
                throw new ContentAlreadyAttachedException(); // by another upload of the same file, first
            }

            item.Content = attached;
            appended = New(item, CustodyAction.ContentAcquired, actor, Input.TruncateToMicroseconds(clock.GetUtcNow()));
            appended.VerifiedSha256 = attached.Sha256;
            appended.Result = $"{attached.SizeBytes} bytes, {attached.MediaType}" + (attached.FileName.Length > 0 ? $", {attached.FileName}" : "");
            Chain(item, appended);
            await alsoSave();
        }, cancellationToken);
        return appended!;
    }

    /// <summary>Refuses, saying why, what <paramref name="actor"/> may not do to <paramref name="item"/> now (before work that would be wasted).</summary>
    public Task RequireMayAsync(EvidenceItem item, CustodyAction action, CustodyActor actor, CancellationToken cancellationToken) =>
        RequireAllowedAsync(item, new CustodyEvent { Action = action }, actor, cancellationToken);

    /// <summary>Re-computes the content's hash and records the outcome: verified, or compromised (irreversibly).</summary>
    public async Task<(CustodyEvent Event, bool Intact, string Computed)> VerifyAsync(RecordName name, CustodyActor actor, CancellationToken cancellationToken)
    {
        var item = await store.RequireAsync<EvidenceItem>(name, cancellationToken);
        var stored = item.Content ?? throw new PreconditionFailedException($"{name} has no content to verify.");
        var computed = await content.HashAsync(stored.Sha256, cancellationToken) ?? "";
        if (computed == stored.Sha256)
        {
            var verified = await AppendCheckedAsync(name, new CustodyEvent { Action = CustodyAction.IntegrityVerified }, actor, computed, cancellationToken);
            return (verified, true, computed);
        }

        var compromised = await MarkCompromisedAsync(name, actor, computed,
            computed.Length == 0 ? "the stored content is missing" : $"the stored content hashes to {computed}, not {stored.Sha256}", cancellationToken);
        return (compromised, false, computed);
    }

    /// <summary>Records that the content failed verification; the item stays compromised for good, and every partner it is shared with is told (its update event).</summary>
    public Task<CustodyEvent> MarkCompromisedAsync(RecordName name, CustodyActor actor, string computed, string result, CancellationToken cancellationToken) =>
        AppendCheckedAsync(name, new CustodyEvent { Action = CustodyAction.IntegrityCompromised, Result = result }, actor, computed, cancellationToken);

    private Task<CustodyEvent> AppendCheckedAsync(RecordName name, CustodyEvent proposal, CustodyActor actor, string verified, CancellationToken cancellationToken) =>
        AgainIfRacedAsync(() => AppendOnceAsync(name, proposal, actor, verified, cancellationToken));

    /// <summary>
    /// Runs an append again when another writer appended to the same item at the same moment (its
    /// version or the history's unique index refused this one): the checks then run on the item as
    /// the other left it, so the second answer is the right one (appended after, or refused for why).
    /// </summary>
    private async Task<T> AgainIfRacedAsync<T>(Func<Task<T>> append)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await append();
            }
            catch (Exception ex) when (ex is ConcurrentChangeException or ResourceAlreadyExistsException && attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<CustodyEvent> AppendOnceAsync(RecordName name, CustodyEvent proposal, CustodyActor actor, string verified, CancellationToken cancellationToken)
    {
        CustodyEvent? appended = null;
        await store.UpdateAsync<EvidenceItem>(name, "", [$"custody:{proposal.Action}"], async item =>
        {
            // Checked again on the row being changed: it may have moved on since the first check.
            await RequireAllowedAsync(item, proposal, actor, cancellationToken);
            var e = New(item, proposal.Action, actor, Input.TruncateToMicroseconds(clock.GetUtcNow()));
            e.Officer = proposal.Officer;
            e.TimeZone = proposal.TimeZone;
            e.StorageLocation = proposal.StorageLocation;
            e.SealNumber = proposal.SealNumber;
            e.Authorisation = proposal.Authorisation;
            e.Purpose = proposal.Purpose;
            e.Tool = proposal.Tool;
            e.ToolVersion = proposal.ToolVersion;
            e.Result = proposal.Result;
            e.VerifiedSha256 = verified;
            e.FromCustodian = item.Custodian;
            e.ToCustodian = item.Custodian;
            Transition(item, e, proposal, actor);
            Chain(item, e);
            appended = e;
        }, cancellationToken);
        return appended!;
    }

    /// <summary>The item's new state after the event: status, custodian, pending handover.</summary>
    private static void Transition(EvidenceItem item, CustodyEvent e, CustodyEvent proposal, CustodyActor actor)
    {
        switch (e.Action)
        {
            case CustodyAction.Stored:
                item.Status = EvidenceStatus.InStorage;
                item.StorageLocation = e.StorageLocation;
                break;
            case CustodyAction.HandedOver:
                e.ToCustodian = proposal.ToCustodian;
                item.Status = EvidenceStatus.InTransit;
                item.PendingHandover = $"{item.Name}/{CustodyEvent.Collection}/{item.CustodyLength + 1}";
                item.PendingReceiver = proposal.ToCustodian;
                break;
            case CustodyAction.HandoverAcknowledged:
                e.Acknowledges = item.PendingHandover!;
                e.ToCustodian = actor.Custodian;
                item.Custodian = actor.Custodian;
                item.Status = EvidenceStatus.InStorage;
                if (e.StorageLocation.Length > 0)
                {
                    item.StorageLocation = e.StorageLocation;
                }

                item.PendingHandover = null;
                item.PendingReceiver = null;
                break;
            case CustodyAction.Examined:
                item.Status = EvidenceStatus.UnderAnalysis;
                break;
            case CustodyAction.Returned:
                item.Status = EvidenceStatus.Returned;
                break;
            case CustodyAction.Destroyed:
                item.Status = EvidenceStatus.Destroyed;
                break;
            case CustodyAction.IntegrityCompromised:
                item.IntegrityCompromised = true;
                break;
        }
    }

    /// <summary>Refuses what <paramref name="actor"/> may not do to <paramref name="item"/> now, saying why.</summary>
    private async Task RequireAllowedAsync(EvidenceItem item, CustodyEvent proposal, CustodyActor actor, CancellationToken cancellationToken)
    {
        var action = proposal.Action;
        if (action is CustodyAction.IntegrityVerified or CustodyAction.IntegrityCompromised)
        {
            // The owner checks its own copy at any time; a partner reports on the copy it holds, so only as custodian.
            if (actor.Agency != item.OwnerAgency && !actor.Is(item.Custodian))
            {
                throw new AccessDeniedException($"Only the custodian of {item.Name} ({item.Custodian}) reports on its copy; {actor.Custodian} does not hold it.");
            }

            return;
        }

        if (item.Status is EvidenceStatus.Destroyed or EvidenceStatus.Returned)
        {
            throw new PreconditionFailedException($"{item.Name} was {item.Status.ToString().ToLowerInvariant()}: its custody has ended.");
        }

        if (action == CustodyAction.HandoverAcknowledged)
        {
            if (item.PendingHandover is null || proposal.Acknowledges != item.PendingHandover)
            {
                throw new PreconditionFailedException(item.PendingHandover is null
                    ? $"{item.Name} has no handover awaiting acknowledgement."
                    : $"{Input.Shorten(proposal.Acknowledges)} is not the handover of {item.Name} awaiting acknowledgement ({item.PendingHandover}).");
            }

            if (!actor.Is(item.PendingReceiver))
            {
                throw new AccessDeniedException($"Only the receiver of the handover ({item.PendingReceiver}) acknowledges it; {actor.Custodian} is not.");
            }

            return;
        }

        // An item registered before custody was kept is held by its agency as a whole.
        var custodian = item.Custodian.Length > 0 ? item.Custodian : Custodians.Agency(item.OwnerAgency);
        if (!actor.Is(custodian))
        {
            throw new AccessDeniedException($"Only the current custodian of {item.Name} ({custodian}) records what is done with it; {actor.Custodian} is not its custodian.");
        }

        if (item.PendingHandover is not null)
        {
            throw new PreconditionFailedException($"{item.Name} is in transit to {item.PendingReceiver} ({item.PendingHandover}); it is acknowledged first.");
        }

        if (action == CustodyAction.HandedOver && Custodians.AgencyOf(proposal.ToCustodian) is { } receiverAgency && receiverAgency != item.OwnerAgency)
        {
            // Our own item to a partner: only while shared with it, so the partner can read what it receives.
            if (item.OwnerAgency == actor.Agency && !(await shares.RecipientsAsync(item, cancellationToken)).Any(r => r.Agency == receiverAgency))
            {
                throw new PreconditionFailedException($"{item.Name} is not shared with {receiverAgency.Code().ToUpperInvariant()}: share it first, so its receiver can read what it receives.");
            }
        }
    }

    /// <summary>The actions that first re-hash the content (ISO/IEC 27037: at every transfer and examination).</summary>
    public static bool NeedsVerification(CustodyAction action) =>
        action is CustodyAction.HandedOver or CustodyAction.HandoverAcknowledged or CustodyAction.Examined;

    private static CustodyEvent New(EvidenceItem item, CustodyAction action, CustodyActor actor, DateTimeOffset now) => new()
    {
        ItemSequence = item.Sequence,
        ItemName = item.Name,
        Action = action,
        ClientId = actor.ForwardedBy.Length > 0 ? actor.ForwardedBy : actor.ClientId,
        ActingClientId = actor.ForwardedBy.Length > 0 ? actor.ClientId : "",
        Agency = actor.Agency,
        Time = now,
    };

    /// <summary>Numbers and hashes <paramref name="e"/> as the item's next event, and adds it to the unit of work.</summary>
    private void Chain(EvidenceItem item, CustodyEvent e)
    {
        e.Index = item.CustodyLength + 1;
        e.PreviousHash = item.CustodyHead;
        if (e.TimeZone.Length == 0)
        {
            e.TimeZone = CustodyTimeZones.Of(e.Agency);
        }

        CustodyMapping.Seal(e);
        item.CustodyLength = e.Index;
        item.CustodyHead = e.Hash;
        db.Add(e);
    }
}

/// <summary>The item has this very content already: an upload of the same file finished first.</summary>
public sealed class ContentAlreadyAttachedException() : Exception("The item has this content already.");

/// <summary>Where an event happened, when the caller does not say: its agency's country.</summary>
public static class CustodyTimeZones
{
    public static string Of(AgencyCode agency) => agency == AgencyCode.Be ? "Europe/Brussels" : "Europe/Amsterdam";

    public static bool IsKnown(string zone) => TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _);
}
