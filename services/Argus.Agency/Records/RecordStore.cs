using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Records;

/// <summary>
/// How every record is read and written — the one place that writes records, so the read cache
/// stays true: idempotent creates, optimistic concurrency on updates, links checked, erasure
/// guarded, keyset paging, and for each change its events and its processing-log entry. Each write
/// is one SaveChanges — one transaction — so a refused request writes nothing.
/// </summary>
public sealed class RecordStore(AgencyDbContext db, RecordKinds kinds, RecordCache cache, RequestProcessingLog log, RecordAccess access,
    IRecordShares shares, OutboxSignal outbox, TimeProvider clock, IJurisdiction jurisdiction)
{
    /// <summary>Reads a record for the caller, as the caller may see it: a consultation, logged before it is returned.</summary>
    public async Task<T> GetAsync<T>(RecordName name, CancellationToken cancellationToken)
        where T : Record
    {
        access.RequireJustifiedRead();
        var record = await RequireAsync<T>(name, cancellationToken);
        // Not shown is exactly as if it did not exist.
        var shown = await access.ShownAsync(record, cancellationToken) ?? throw new ResourceNotFoundException(name.ToString());
        await log.ConsultedAsync(access.ReadEvent(record.Name));
        return shown;
    }

    /// <summary>The record, for checks of our own (not shown to the caller, so not a consultation).</summary>
    public async Task<T> RequireAsync<T>(RecordName name, CancellationToken cancellationToken)
        where T : Record
    {
        var key = name.ToString();
        if (cache.TryGet<T>(key, out var cached))
        {
            return cached;
        }

        var record = await Queries<T>().Named(db.Set<T>().AsNoTracking(), name).FirstOrDefaultAsync(cancellationToken)
            ?? throw new ResourceNotFoundException(key);
        cache.Put(record);
        return record;
    }

    /// <summary>Whether the named record exists; not a consultation.</summary>
    public Task<bool> ExistsAsync(RecordName name, CancellationToken cancellationToken) =>
        cache.TryGet<Record>(name.ToString(), out _) ? Task.FromResult(true) : name.Kind.ExistsAsync(db, name, cancellationToken);

    /// <summary>Whether any record of a kind matches; for rules across records (unique exhibit numbers), not shown to anyone.</summary>
    public Task<bool> AnyAsync<T>(System.Linq.Expressions.Expression<Func<T, bool>> predicate, CancellationToken cancellationToken)
        where T : Record =>
        db.Set<T>().AsNoTracking().AnyAsync(predicate, cancellationToken);

    /// <summary>A page of the records of a kind the caller may see, in creation order: one consultation entry naming every record shown.</summary>
    public async Task<Page<T>> ListAsync<T>(PageRequest page, string query, Func<IQueryable<T>, IQueryable<T>>? filter, CancellationToken cancellationToken)
        where T : Record
    {
        // Filtered to what the caller may see in the query itself, so a partner learns nothing of
        // the rest, not even from the number of pages.
        access.RequireJustifiedRead();
        var records = access.Visible(db.Set<T>().AsNoTracking(), Queries<T>());
        if (filter is not null)
        {
            records = filter(records);
        }

        var result = await ReadPageAsync(records, page, query, cancellationToken);
        var shown = await access.ShownAsync(result.Items, cancellationToken);
        if (shown.Count > 0)
        {
            await log.ConsultedAsync(access.ReadEvent($"list {query}", string.Join(' ', shown.Select(r => r.Name))));
        }

        return result with { Items = shown };
    }

    /// <summary>Records of one operation, or of all (<see cref="ResourceNames.AnyOperation"/>).</summary>
    public Task<Page<T>> ListInOperationAsync<T>(string operationId, PageRequest page, string query, CancellationToken cancellationToken)
        where T : OperationRecord =>
        ListAsync<T>(page, query, operationId == ResourceNames.AnyOperation ? null : records => records.Where(x => x.OperationId == operationId), cancellationToken);

    private static async Task<Page<T>> ReadPageAsync<T>(IQueryable<T> records, PageRequest page, string query, CancellationToken cancellationToken)
        where T : Record
    {
        var items = await records
            .Where(x => x.Sequence > page.After)
            .OrderBy(x => x.Sequence)
            .Take(page.Size + 1)
            .ToListAsync(cancellationToken);
        if (items.Count <= page.Size)
        {
            return new Page<T>(items, "");
        }

        items.RemoveAt(page.Size);
        return new Page<T>(items, PageRequest.NextToken(items[^1].Sequence, query));
    }

    /// <summary>
    /// Stores a new record, unless a request with the same key already did (then returns that one).
    /// Its operation and links must exist; <paramref name="validate"/> checks anything else the kind
    /// requires.
    /// <para>
    /// Optimistic about retries, which are rare: the key is not looked up first — its unique index
    /// refuses a second insert, and only then is the first result read. A retry whose checks refuse
    /// it (colliding with its own first attempt, e.g. on a unique exhibit number) is looked up
    /// before the refusal is given, so it still gets the first result. That saves every create one
    /// round trip to the database.
    /// </para>
    /// </summary>
    public async Task<T> CreateAsync<T>(T record, IdempotencyKey? key, Func<Task>? validate, CancellationToken cancellationToken)
        where T : Record
    {
        await KeepConnectionAsync(cancellationToken);
        try
        {
            if (record is OperationRecord child && !await ExistsAsync(kinds.OperationNamed(child.OperationId), cancellationToken))
            {
                throw new ResourceNotFoundException(child.OperationName);
            }

            await CheckLinksAsync(record, cancellationToken);
            if (validate is not null)
            {
                await validate();
            }
        }
        catch (Exception ex) when (key is not null && ex is ResourceNotFoundException or ResourceAlreadyExistsException or InvalidInputException or PreconditionFailedException)
        {
            db.ChangeTracker.Clear(); // whatever the checks added (a seizure's custody event) is not this request's to save
            if (await FindEarlierAsync<T>(key, cancellationToken) is { } earlier)
            {
                return await RetriedAsync(earlier);
            }

            throw;
        }

        var now = Input.TruncateToMicroseconds(clock.GetUtcNow());
        record.OwnerAgency = jurisdiction.Agency;
        record.Version = 1;
        record.CreateTime = now;
        record.UpdateTime = now;
        record.RequestId = key?.RequestId;
        record.RequestFingerprint = key?.Fingerprint;
        db.Add(record);
        var (events, disclosures) = await EventsAsync(record, created: true, now, cancellationToken);
        try
        {
            await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Collection, record.Name), cancellationToken, disclosures, events);
            cache.Put(record);
            outbox.Notify();
            return record;
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            // A retry of the same request (its first attempt, or a concurrent one, committed first:
            // return that result), or another create of the same unique thing.
            db.ChangeTracker.Clear();
            var raced = await FindEarlierAsync<T>(key, cancellationToken)
                ?? throw new ResourceAlreadyExistsException($"{record.Name} or a record with the same unique values already exists.");
            return await RetriedAsync(raced);
        }
    }

    /// <summary>The first result of a retried create: showing it again is a consultation.</summary>
    private async Task<T> RetriedAsync<T>(T earlier)
        where T : Record
    {
        await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Consultation, earlier.Name, Details: "retry of its create"));
        return earlier;
    }

    /// <summary>
    /// Loads a record for change, checks the caller's etag, applies the change, checks its links and
    /// saves it as a new version. A concurrent writer that got there first makes this one fail with Aborted.
    /// </summary>
    public async Task<T> UpdateAsync<T>(RecordName name, string etag, IEnumerable<string> fields, Func<T, Task> apply, CancellationToken cancellationToken)
        where T : Record
    {
        await KeepConnectionAsync(cancellationToken);
        var record = await Queries<T>().Named(db.Set<T>(), name).FirstOrDefaultAsync(cancellationToken) ?? throw new ResourceNotFoundException(name.ToString());
        RequireEtag(record, etag, "read it again and reapply the change");
        await apply(record);
        await CheckLinksAsync(record, cancellationToken);
        record.Version++;
        record.UpdateTime = Input.TruncateToMicroseconds(clock.GetUtcNow());
        var (events, disclosures) = await EventsAsync(record, created: false, record.UpdateTime, cancellationToken);
        try
        {
            await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Alteration, record.Name, Details: "fields: " + string.Join(',', fields)), cancellationToken,
                disclosures, events);
            cache.Put(record);
            outbox.Notify();
            return record;
        }
        catch (DbUpdateConcurrencyException)
        {
            cache.Forget(record.Name);
            throw new ConcurrentChangeException($"{record.Name} was changed by someone else at the same time; read it again and reapply the change.");
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            throw new ResourceAlreadyExistsException($"The change to {record.Name} collides with another record's unique values.");
        }
    }

    /// <summary>
    /// Erases a record (Directive 2016/680 Art. 16): the row goes, the processing log keeps only that
    /// it was erased, why and by whom, and everyone it was shared with is told to erase their copy.
    /// Shares of the record end with it. A record another one still links to stays (FailedPrecondition).
    /// </summary>
    /// <param name="reason">Why, as the caller gave it: required, and logged.</param>
    public async Task EraseAsync<T>(RecordName name, string etag, string reason, CancellationToken cancellationToken)
        where T : OperationRecord
    {
        var errors = new FieldErrors();
        reason = Input.Text(reason, "reason", errors, 500, required: true);
        errors.ThrowIfAny();
        await KeepConnectionAsync(cancellationToken);
        var record = await Queries<T>().Named(db.Set<T>(), name).FirstOrDefaultAsync(cancellationToken) ?? throw new ResourceNotFoundException(name.ToString());
        RequireEtag(record, etag, "read it again before erasing it");
        foreach (var (kind, link) in kinds.LinksTo(name.Kind.Collection!))
        {
            if (await link.FindLinkingAsync(db, record.OperationId, record.Id, cancellationToken) is { } linking)
            {
                throw new PreconditionFailedException($"{ResourceNames.ChildName(record.OperationId, kind.Collection!, linking)} refers to {record.Name}; erase or change it first.");
            }
        }

        var now = Input.TruncateToMicroseconds(clock.GetUtcNow());
        var recipients = await shares.RecipientsAsync(record, cancellationToken);
        db.AddEvent(RecordEventFactory.Erased(record, now), jurisdiction.Agency.Code(), now);
        foreach (var recipient in recipients)
        {
            db.AddEvent(RecordEventFactory.Erased(record, now), recipient.Agency.Code(), now);
        }

        await shares.EndAsync(record.Name, now, cancellationToken);
        db.Remove(record);
        try
        {
            await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Erasure, record.Name, reason, recipients.Select(r => r.Agency.Code()).ToList()), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrentChangeException($"{record.Name} was changed by someone else at the same time; read it again before erasing it.");
        }
        finally
        {
            cache.Forget(record.Name);
        }

        outbox.Notify();
    }

    /// <summary>
    /// The record an earlier request with this key created, if any. Refuses a key reused for a
    /// different request.
    /// </summary>
    private async Task<T?> FindEarlierAsync<T>(IdempotencyKey? key, CancellationToken cancellationToken)
        where T : Record
    {
        if (key is null)
        {
            return null;
        }

        var earlier = await db.Set<T>().AsNoTracking().FirstOrDefaultAsync(x => x.RequestId == key.RequestId, cancellationToken);
        if (earlier is not null && !earlier.RequestFingerprint.AsSpan().SequenceEqual(key.Fingerprint))
        {
            throw FieldErrors.Invalid("request_id", "was already used for a different request; send a new UUID for a new record.");
        }

        return earlier;
    }

    /// <summary>Each record a record links to must exist, in the same operation.</summary>
    private async Task CheckLinksAsync(Record record, CancellationToken cancellationToken)
    {
        if (record is not OperationRecord child)
        {
            return;
        }

        var errors = new FieldErrors();
        foreach (var link in record.Kind.Links)
        {
            if (link.TargetOf(record) is { } target)
            {
                var linked = new RecordName(kinds.InCollection(link.TargetCollection), child.OperationId, target);
                if (!await ExistsAsync(linked, cancellationToken))
                {
                    errors.Add(link.Field, $"{linked} does not exist.");
                }
            }
        }

        errors.ThrowIfAny();
    }

    private static void RequireEtag(Record record, string etag, string advice)
    {
        if (etag.Length > 0 && etag != record.Etag)
        {
            throw new ConcurrentChangeException($"{record.Name} has changed since it was read (etag {Input.Shorten(etag)}, now {record.Etag}); {advice}.");
        }
    }

    /// <summary>
    /// The change's events, to save in the same transaction as the change: for the owner's own
    /// integrators, and for every partner the record is shared with (itself or its whole
    /// operation), carrying the handling the partner is shown it under.
    /// </summary>
    /// <returns>The outbox rows, and the disclosures to log with the change: a partner's event carries the record as shown to it.</returns>
    private async Task<(List<OutboxMessage> Events, List<ProcessingEvent> Disclosures)> EventsAsync(Record record, bool created, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // One event id per copy: each is its own message for its own recipient.
        var events = new List<OutboxMessage> { OutboxMessage.For(RecordEventFactory.For(record, created, now), jurisdiction.Agency.Code(), now) };
        var disclosures = new List<ProcessingEvent>();
        foreach (var recipient in await shares.RecipientsAsync(record, cancellationToken))
        {
            var pushed = RecordEventFactory.For(record, created, now, recipient.SharedUnder, RecordEventFactory.Disclosed(record, recipient.SharedUnder));
            events.Add(OutboxMessage.For(pushed, recipient.Agency.Code(), now));
            disclosures.Add(new ProcessingEvent(ProcessingAction.Disclosure, record.Name,
                $"version {record.Version} pushed under {pushed.HandlingCode} with event {pushed.EventId}", [recipient.Agency.Code()]));
        }

        return (events, disclosures);
    }

    /// <summary>
    /// A change's reads and its transaction on one connection, held until the request's context is
    /// disposed. EF Core otherwise opens a pooled connection for each read and again for the
    /// transaction, and on PostgreSQL each open costs a reset of the session (six statements) with
    /// the next command: a create was reset twice. In bench.sh exchange the Dutch database's resets
    /// went from 17,007 to 11,014 for ~5,900 creates (pg_stat_statements, 2026-12-03).
    /// </summary>
    private Task KeepConnectionAsync(CancellationToken cancellationToken) => db.Database.OpenConnectionAsync(cancellationToken);

    private IRecordQueries<T> Queries<T>()
        where T : Record =>
        (IRecordQueries<T>)kinds.Of(typeof(T));
}

public sealed record Page<T>(IReadOnlyList<T> Items, string NextPageToken);
