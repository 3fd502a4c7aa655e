using Argus.Agency.ProcessingLog;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Agency.Persistence;
using Argus.Events;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Replica;

/// <summary>
/// Applies one event from a partner to this agency's copies — the one place the bus consumer and
/// the Sync catch-up both go through. An event only says that something changed; the copy is
/// brought to what the owner shows now (or erased when it shows nothing), so events arriving late,
/// twice or out of order still leave the copy equal to the owner's record. The inbox row, the
/// copies, the Sync cursor and the processing-log entry commit in one transaction: a message is
/// applied once, or not at all.
/// </summary>
public sealed class ReplicaUpdater(AgencyDbContext db, OwnerRecords owners, RecordKinds kinds, ProcessingLogWriter log, IJurisdiction jurisdiction, ReplicaStatistics statistics, TimeProvider clock)
{
    /// <summary>The processing log's client id for what the replica does on its own.</summary>
    public const string ClientId = "argus-replica";

    /// <param name="cursor">The owner's Sync cursor of this event, when it came from Sync.</param>
    public Task ApplyAsync(IArgusEvent message, long? cursor, CancellationToken cancellationToken) =>
        RetryingRacesAsync(() => ApplyOnceAsync(message, cursor, cancellationToken));

    /// <summary>
    /// Runs <paramref name="apply"/>, and again from a clean unit of work when it lost a race. Two
    /// events about one record (an operation's RecordShared listing it, and its own ArrestRecorded)
    /// can race to insert its copy, or two versions of it to update the copy: the loser starts over,
    /// finds the copy as the winner left it, and compares versions again.
    /// </summary>
    private async Task RetryingRacesAsync(Func<Task> apply)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await apply();
                return;
            }
            catch (DbUpdateException ex) when ((ex is DbUpdateConcurrencyException || DatabaseErrors.IsUniqueViolation(ex)) && attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task ApplyOnceAsync(IArgusEvent message, long? cursor, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<AgencyCode>(message.Owner, ignoreCase: true, out var owner))
        {
            throw new InvalidOperationException($"Event {message.EventId} names an unknown owner agency \"{message.Owner}\".");
        }

        if (owner == jurisdiction.Agency)
        {
            // Our own events share the routing key with those partners route to us. The queue's
            // binding passes only partners' (ReplicaEndpoint.Configure); a queue still bound by an
            // earlier version, directly, gets ours too.
            statistics.Own();
            return;
        }

        if (await db.Set<InboxMessage>().AnyAsync(m => m.MessageId == message.EventId, cancellationToken))
        {
            statistics.Duplicate();
            if (cursor is { } position)
            {
                await AdvanceCursorAsync(owner, position, cancellationToken);
            }

            return;
        }

        var now = clock.GetUtcNow();
        if (message is RecordErased or ShareRevoked)
        {
            await TombstoneAsync(owner, message.Record, message.OccurredAt, cancellationToken);
        }

        var outcome = message switch
        {
            RecordErased => await EraseAsync(owner, [message.Record], "erased by its owner", cancellationToken),
            ShareRevoked when IsOperation(message.Record) =>
                await RefreshAsync(owner, await CopiesOfOperationAsync(owner, kinds.Parse(message.Record).OperationId, cancellationToken), null, now, cancellationToken),
            RecordShared shared when IsOperation(message.Record) =>
                await KeepAsync(owner, await owners.ListOperationAsync(owner, message.Record, cancellationToken), [], Parse(shared.HandlingCode), now, cancellationToken),
            IRecordEvent { Content: not null } change and not ShareRevoked => await KeepPushedAsync(owner, change, now, cancellationToken),
            IRecordEvent change => await RefreshAsync(owner, [change.Record], message is RecordShared ? Parse(change.HandlingCode) : null, now, cancellationToken),
            _ => null, // lookup events carry nothing to copy: an approved follow-up arrives as RecordShared
        };

        StampCopies();

        db.Set<InboxMessage>().Add(new InboxMessage { MessageId = message.EventId, ProcessTime = now });
        await AdvanceAsync(owner, cursor, cancellationToken);
        if (outcome is null)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        else
        {
            // Names only, never content: the entry says which copies came or went, and why.
            var entry = new ProcessingEvent(outcome.Value.Action, message.Record, $"{outcome.Value.Details} (event {message.EventId})", [owner.Code()]);
            await log.SaveWithEntryAsync(db, entry, ClientId, "", cancellationToken);
        }

        statistics.Applied();
    }

    /// <summary>
    /// Whether <paramref name="message"/> carries its record as the owner disclosed it, and needs
    /// nothing else to be applied (no read on the owner's service, no tombstone of its own): such
    /// events can be applied many at a time (<see cref="ApplyCarriedAsync"/>).
    /// </summary>
    public static bool CarriesRecord(IArgusEvent message, RecordKinds kinds) =>
        message is IRecordEvent { Content: not null } and not (RecordErased or ShareRevoked)
        && kinds.TryParse(message.Record, out var name)
        && !(message is RecordShared && name.Kind.Collection is null);

    /// <summary>
    /// Applies many events that carry their record (<see cref="CarriesRecord"/>) in one
    /// transaction, exactly as <see cref="ApplyAsync"/> would one at a time: each is applied once
    /// (the inbox), a tombstone newer than an event keeps its record out, an older version than the
    /// copy's changes nothing, and each copy received gets its own processing-log entry. Any
    /// failure (but a lost race, retried as for one event) fails them all, and nothing is written: the
    /// caller applies them one at a time then.
    /// </summary>
    public Task ApplyCarriedAsync(IReadOnlyList<IRecordEvent> messages, CancellationToken cancellationToken) =>
        RetryingRacesAsync(() => ApplyCarriedOnceAsync(messages, cancellationToken));

    private async Task ApplyCarriedOnceAsync(IReadOnlyList<IRecordEvent> messages, CancellationToken cancellationToken)
    {
        var ids = messages.Select(m => m.EventId).Distinct().ToList();
        var seen = (await db.Set<InboxMessage>().Where(m => ids.Contains(m.MessageId)).Select(m => m.MessageId).ToListAsync(cancellationToken)).ToHashSet();
        var now = clock.GetUtcNow();
        var entries = new List<ProcessingEvent>();
        var (applied, own, duplicates) = (0, 0, 0); // counted once committed: a failed batch is applied again one by one
        foreach (var fromOwner in messages.GroupBy(m => m.Owner, StringComparer.OrdinalIgnoreCase))
        {
            if (!Enum.TryParse<AgencyCode>(fromOwner.Key, ignoreCase: true, out var owner))
            {
                throw new InvalidOperationException($"Event {fromOwner.First().EventId} names an unknown owner agency \"{fromOwner.Key}\".");
            }

            var fresh = new List<IRecordEvent>();
            foreach (var message in fromOwner)
            {
                if (owner == jurisdiction.Agency)
                {
                    own++;
                }
                else if (!seen.Add(message.EventId))
                {
                    duplicates++; // applied before, or twice in this batch
                }
                else
                {
                    fresh.Add(message);
                    db.Set<InboxMessage>().Add(new InboxMessage { MessageId = message.EventId, ProcessTime = now });
                }
            }

            applied += fresh.Count;
            entries.AddRange((await KeepCarriedAsync(owner, fresh, now, cancellationToken)).Select(copy =>
                new ProcessingEvent(ProcessingAction.Collection, copy.Record, $"copy received from {owner.Code()}: {copy.Record} (event {copy.EventId})", [owner.Code()])));
        }

        StampCopies();

        if (entries.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        else
        {
            await log.SaveWithEntryAsync(db, entries[0], ClientId, "", cancellationToken, entries[1..]);
        }

        statistics.Applied(applied);
        statistics.Own(own);
        statistics.Duplicate(duplicates);
    }

    /// <summary>The record one event carries, kept (<see cref="KeepCarriedAsync"/>).</summary>
    private async Task<(ProcessingAction Action, string Details)?> KeepPushedAsync(AgencyCode owner, IRecordEvent change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changed = await KeepCarriedAsync(owner, [change], now, cancellationToken);
        return changed.Count == 0 ? null : (ProcessingAction.Collection, $"copy received from {owner.Code()}: {string.Join(' ', changed.Select(c => c.Record))}");
    }

    /// <summary>
    /// Keeps the records the events carry, as their owner disclosed them when it wrote the events —
    /// no read on the owner's service — unless the owner erased a record, or stopped sharing it or
    /// its operation, after that (a tombstone newer than the event): then the event brings nothing
    /// back. Of two versions of one record, the newer is kept; older versions than the copy's are
    /// ignored, so late and duplicate events are harmless. Returns each copy that changed, with the
    /// event that brought it.
    /// </summary>
    private async Task<List<(string Record, Guid EventId)>> KeepCarriedAsync(AgencyCode owner, IReadOnlyList<IRecordEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var carried = events.Select(e =>
        {
            var name = kinds.Parse(e.Record);
            return (Event: e, Name: name, Operation: kinds.OperationNamed(name.OperationId).ToString());
        }).ToList();
        var scopes = carried.SelectMany(c => new[] { c.Event.Record, c.Operation }).Distinct().ToList();
        var tombstones = (await db.Set<ForeignTombstone>().Where(t => t.Owner == owner && scopes.Contains(t.Scope)).Select(t => new { t.Scope, t.At }).ToListAsync(cancellationToken))
            .ToDictionary(t => t.Scope, t => t.At);
        bool Buried(string scope, DateTimeOffset occurred) => tombstones.TryGetValue(scope, out var at) && at >= occurred;

        var newest = carried
            .Where(c => !Buried(c.Event.Record, c.Event.OccurredAt) && !Buried(c.Operation, c.Event.OccurredAt))
            .Select(c => (c.Event, Disclosed: OwnerRecords.Disclosed(c.Name.Kind, c.Name.Kind.ParseMessage(c.Event.Content!))))
            .GroupBy(c => c.Disclosed.Record)
            .Select(g => g.MaxBy(c => c.Disclosed.Version))
            .ToDictionary(c => c.Disclosed.Record);
        if (newest.Count == 0)
        {
            return [];
        }

        var changed = await KeepCopiesAsync(owner, [.. newest.Values.Select(c => c.Disclosed)], null, now, cancellationToken);
        return [.. changed.Select(record => (record, newest[record].Event.EventId))];
    }

    /// <summary>The copies' update time, stamped as late as possible: what the benchmark reads as "readable in the replica".</summary>
    private void StampCopies()
    {
        var applied = clock.GetUtcNow();
        foreach (var copy in db.ChangeTracker.Entries<ForeignRecord>().Where(e => e.State is EntityState.Added or EntityState.Modified))
        {
            copy.Entity.UpdateTime = applied;
        }
    }

    private async Task TombstoneAsync(AgencyCode owner, string scope, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var tombstone = await db.Set<ForeignTombstone>().FirstOrDefaultAsync(t => t.Owner == owner && t.Scope == scope, cancellationToken);
        if (tombstone is null)
        {
            db.Set<ForeignTombstone>().Add(new ForeignTombstone { Owner = owner, Scope = scope, At = at });
        }
        else if (tombstone.At < at)
        {
            tombstone.At = at;
        }
    }

    /// <summary>Brings each named copy to what the owner shows now: updated, added, or erased.</summary>
    private async Task<(ProcessingAction Action, string Details)?> RefreshAsync(AgencyCode owner, IReadOnlyList<string> records, HandlingCode? sharedUnder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var kept = new List<DisclosedRecord>();
        var gone = new List<string>();
        foreach (var record in records)
        {
            if (await owners.GetAsync(owner, record, cancellationToken) is { } disclosed)
            {
                kept.Add(disclosed);
            }
            else
            {
                gone.Add(record);
            }
        }

        return await KeepAsync(owner, kept, gone, sharedUnder, now, cancellationToken);
    }

    private async Task<(ProcessingAction Action, string Details)?> KeepAsync(AgencyCode owner, List<DisclosedRecord> kept, List<string> gone, HandlingCode? sharedUnder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var erased = gone.Count > 0 ? await EraseAsync(owner, gone, "no longer shared with this agency", cancellationToken) : null;
        var changed = kept.Count > 0 ? await KeepCopiesAsync(owner, kept, sharedUnder, now, cancellationToken) : [];
        if (changed.Count == 0)
        {
            return erased;
        }

        var details = $"copy received from {owner.Code()}: {string.Join(' ', changed)}" + (erased is { } e ? $"; {e.Details}" : "");
        return (ProcessingAction.Collection, details);
    }

    /// <summary>Adds or updates the copies of <paramref name="kept"/> (one version of each record); returns the names of those that changed.</summary>
    private async Task<List<string>> KeepCopiesAsync(AgencyCode owner, List<DisclosedRecord> kept, HandlingCode? sharedUnder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var names = kept.Select(r => r.Record).ToList();
        var copies = await db.Set<ForeignRecord>().Where(c => c.Owner == owner && names.Contains(c.Record)).ToDictionaryAsync(c => c.Record, cancellationToken);
        var changed = new List<string>();
        foreach (var disclosed in kept)
        {
            if (!copies.TryGetValue(disclosed.Record, out var copy))
            {
                copy = new ForeignRecord { Owner = owner, Record = disclosed.Record, Kind = disclosed.Kind.Name, OperationId = disclosed.OperationId, ReceiveTime = now };
                db.Set<ForeignRecord>().Add(copy);
            }
            else if (copy.Version > disclosed.Version)
            {
                continue; // an older read lost a race with a newer one
            }

            var code = Stricter(Stricter(disclosed.HandlingCode, sharedUnder), copy.Version == 0 ? null : copy.HandlingCode);
            if (copy.Version == disclosed.Version && copy.HandlingCode == code)
            {
                continue;
            }

            copy.Version = disclosed.Version;
            copy.HandlingCode = code;
            copy.HandlingRestrictions = disclosed.Restrictions;
            copy.OwnerUpdateTime = disclosed.OwnerUpdateTime;
            copy.UpdateTime = now;
            copy.Content = disclosed.Content;
            await disclosed.Kind.CopyKeptAsync(db, owner, disclosed.Record, disclosed.Message, cancellationToken);
            changed.Add(disclosed.Record);
        }

        return changed;
    }

    private async Task<(ProcessingAction Action, string Details)?> EraseAsync(AgencyCode owner, IReadOnlyList<string> records, string why, CancellationToken cancellationToken)
    {
        // What a kind keeps beyond the copy goes with it, in the same transaction — also when the
        // copy itself never arrived (a record received by other means: evidence in a handover).
        foreach (var kind in records.Select(r => kinds.TryParse(r, out var name) ? name.Kind : null).OfType<RecordKind>().Distinct())
        {
            await kind.ForgetForeignAsync(db, owner, records, cancellationToken);
        }

        var copies = await db.Set<ForeignRecord>().Where(c => c.Owner == owner && records.Contains(c.Record)).ToListAsync(cancellationToken);
        if (copies.Count == 0)
        {
            return null;
        }

        db.Set<ForeignRecord>().RemoveRange(copies);

        return (ProcessingAction.Erasure, $"copy erased, {why}: {string.Join(' ', copies.Select(c => c.Record))}");
    }

    private Task<List<string>> CopiesOfOperationAsync(AgencyCode owner, string operationId, CancellationToken cancellationToken) =>
        db.Set<ForeignRecord>().Where(c => c.Owner == owner && c.OperationId == operationId).Select(c => c.Record).ToListAsync(cancellationToken);

    /// <summary>Moves the Sync cursor past an event that needs nothing else (a duplicate, a lookup event).</summary>
    public async Task AdvanceCursorAsync(AgencyCode owner, long cursor, CancellationToken cancellationToken)
    {
        await AdvanceAsync(owner, cursor, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task AdvanceAsync(AgencyCode owner, long? cursor, CancellationToken cancellationToken)
    {
        if (cursor is not { } position)
        {
            return;
        }

        var stored = await db.Set<SyncCursor>().FirstOrDefaultAsync(c => c.Owner == owner, cancellationToken);
        if (stored is null)
        {
            db.Set<SyncCursor>().Add(new SyncCursor { Owner = owner, Cursor = position });
        }
        else if (stored.Cursor < position)
        {
            stored.Cursor = position;
        }

    }

    /// <summary>Whether an event is about a whole operation (its share covers every record in it).</summary>
    private bool IsOperation(string record) => kinds.Parse(record).Kind.Collection is null;

    private static HandlingCode Parse(string code) => Enum.TryParse<HandlingCode>(code, out var parsed) ? parsed : HandlingCode.H0;

    private static HandlingCode Stricter(HandlingCode code, HandlingCode? other) => other is { } o && o > code ? o : code;
}
