using Argus.Agency.Callers;
using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Agency.Sharing;
using Argus.Events;
using Argus.Hosting.Errors;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Lookups;

/// <summary>What a partner looks up: a kind of subject ("handle") and the records that match it.</summary>
public sealed record LookupQuery(string Kind, IReadOnlyList<string> Matches);

/// <summary>
/// Hit/no-hit (the Prüm model): a partner learns only whether this agency holds something on a
/// subject; a hit leaves a lookup here, the partner may ask to follow it up, and an officer of this
/// agency decides, sharing the matched records when approving.
/// </summary>
public sealed class HitNoHitLookups(AgencyDbContext db, RecordSharing sharing, RecordStore store, RecordKinds kinds, RequestProcessingLog log,
    Caller caller, OutboxSignal outbox, IJurisdiction jurisdiction, TimeProvider clock)
{
    /// <summary>Answers hit or no hit; either way the combination is logged here, with what matched.</summary>
    public async Task<Lookup?> LookUpAsync(AgencyCode requester, LookupQuery query, CancellationToken cancellationToken)
    {
        if (query.Matches.Count == 0)
        {
            await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Combination, Lookup.Collection, $"hit/no-hit lookup by {query.Kind}: no hit", [requester.Code()]));
            return null;
        }

        var lookup = new Lookup
        {
            Id = ResourceNames.NewId(), Requester = requester, RequestedBy = caller.ClientId, Kind = query.Kind, Matches = [.. query.Matches],
            CreateTime = Now(),
        };
        db.Set<Lookup>().Add(lookup);
        // The requester learns "hit"; the log, which stays here, says what matched.
        await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Combination, lookup.Name,
            $"hit/no-hit lookup by {query.Kind}: hit on {string.Join(' ', query.Matches)}", [requester.Code()]), cancellationToken);
        return lookup;
    }

    /// <summary>The requester asks for what is behind its hit; this agency's officers are told there is something to decide.</summary>
    public async Task<FollowUp> RequestFollowUpAsync(AgencyCode requester, string lookupId, string lookupName, string purpose, CancellationToken cancellationToken)
    {
        // Someone else's lookup does not exist for this requester.
        var lookup = await db.Set<Lookup>().AsNoTracking().FirstOrDefaultAsync(l => l.Id == lookupId && l.Requester == requester, cancellationToken)
            ?? throw new ResourceNotFoundException(lookupName);
        var now = Now();
        var followUp = new FollowUp
        {
            Id = ResourceNames.NewId(), LookupId = lookup.Id, Requester = requester, RequestedBy = caller.ClientId, Purpose = purpose, CreateTime = now, Version = 1,
        };
        db.Set<FollowUp>().Add(followUp);
        // To this agency's own key: its officers' systems learn there is something to decide.
        db.AddEvent(new LookupFollowUpRequested(Guid.CreateVersion7(), jurisdiction.Agency.Code(), followUp.Name, requester.Code(), now), jurisdiction.Agency.Code(), now);
        await db.SaveChangesAsync(cancellationToken);
        outbox.Notify();
        return followUp;
    }

    /// <summary>An officer approves (sharing the matches that still exist under <paramref name="handling"/>) or refuses, once.</summary>
    public async Task<FollowUp> DecideAsync(string lookupId, string id, string name, bool approve, string reason, Handling? handling, CancellationToken cancellationToken)
    {
        var followUp = await Visible(db.Set<FollowUp>()).FirstOrDefaultAsync(f => f.LookupId == lookupId && f.Id == id, cancellationToken)
            ?? throw new ResourceNotFoundException(name);
        var now = Now();
        followUp.Decide(approve, caller.ClientId, reason, now);
        var disclosed = new List<string>();
        if (approve && handling is not null)
        {
            var lookup = await db.Set<Lookup>().AsNoTracking().FirstAsync(l => l.Id == followUp.LookupId, cancellationToken);
            foreach (var match in lookup.Matches)
            {
                if (!kinds.TryParse(match, out var record) || !await store.ExistsAsync(record, cancellationToken))
                {
                    continue; // erased since the lookup
                }

                if (!record.Kind.SharedOnFollowUp)
                {
                    continue; // its owner shares it on terms of its own
                }

                var share = sharing.Add(record, followUp.Requester, handling, $"Follow-up {followUp.Name}: {followUp.Purpose}", now);
                followUp.Shares.Add(share.Name);
                disclosed.Add(match);
            }
        }

        foreach (var route in new[] { followUp.Requester.Code(), jurisdiction.Agency.Code() })
        {
            // One event id per copy, as for record events.
            db.AddEvent(new LookupFollowUpDecided(Guid.CreateVersion7(), jurisdiction.Agency.Code(), followUp.Name, followUp.Requester.Code(), approve, now), route, now);
        }

        try
        {
            var entry = approve
                ? new ProcessingEvent(ProcessingAction.Disclosure, followUp.Name, $"follow-up approved, shared under {handling!.Code}: {string.Join(' ', disclosed)}; {reason}", [followUp.Requester.Code()])
                : new ProcessingEvent(ProcessingAction.Alteration, followUp.Name, $"follow-up refused: {reason}", [followUp.Requester.Code()]);
            await log.SaveWithEntryAsync(db, entry, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrentChangeException($"{followUp.Name} was decided by someone else at the same time; read it again.");
        }

        outbox.Notify();
        return followUp;
    }

    public async Task<FollowUp> GetFollowUpAsync(string lookupId, string id, string name, CancellationToken cancellationToken) =>
        await Visible(db.Set<FollowUp>().AsNoTracking()).FirstOrDefaultAsync(f => f.LookupId == lookupId && f.Id == id, cancellationToken)
            ?? throw new ResourceNotFoundException(name);

    public Task<List<FollowUp>> ListFollowUpsAsync(FollowUpState? state, CancellationToken cancellationToken)
    {
        var followUps = Visible(db.Set<FollowUp>().AsNoTracking());
        if (state is { } wanted)
        {
            followUps = followUps.Where(f => f.State == wanted);
        }

        return followUps.OrderBy(f => f.Sequence).Take(1000).ToListAsync(cancellationToken);
    }

    /// <summary>The owner's callers see every follow-up; a partner only its own.</summary>
    private IQueryable<FollowUp> Visible(IQueryable<FollowUp> followUps)
    {
        if (!caller.IsPartner)
        {
            return followUps;
        }

        return caller.Partner is { } partner
            ? followUps.Where(f => f.Requester == partner)
            : followUps.Where(_ => false);
    }

    private DateTimeOffset Now() => Input.TruncateToMicroseconds(clock.GetUtcNow());
}
