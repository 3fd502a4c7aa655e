using Argus.Agency.Domain.Shared;
using Argus.Agency.Api;
using Argus.Agency.Api.Mapping;
using Argus.Agency.Domain;
using Argus.Agency.Domain.Operations;
using Argus.Agency.Audit;
using Argus.Agency.Outbox;
using Argus.Hosting.Errors;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Persistence;

/// <summary>
/// How every record is read and written: idempotent creates, optimistic concurrency on updates,
/// keyset paging. Each write is one SaveChanges — one transaction — so a refused request writes
/// nothing.
/// </summary>
public sealed class RecordStore(AgencyDbContext db, RecordCache cache, ProcessingLog log, RecordAccess access, OutboxSignal outbox, TimeProvider clock, IJurisdiction jurisdiction)
{
    public AgencyDbContext Db => db;

    /// <summary>Reads an operation for the caller: a consultation, logged before it is returned.</summary>
    public async Task<Operation> GetOperationAsync(string operationId, CancellationToken cancellationToken)
    {
        access.RequireJustifiedRead();
        var operation = await RequireOperationAsync(operationId, cancellationToken);
        if (!await access.MayReadAsync(operation, cancellationToken))
        {
            throw new ResourceNotFoundException(operation.Name); // exactly as if it did not exist
        }

        await log.ConsultedAsync(access.ReadEvent(operation.Name));
        return operation;
    }

    /// <summary>The operation, for checks of our own (not shown to the caller, so not a consultation).</summary>
    public async Task<Operation> RequireOperationAsync(string operationId, CancellationToken cancellationToken)
    {
        var name = Operation.ResourceName(operationId);
        if (cache.TryGet<Operation>(name, out var cached))
        {
            return cached;
        }

        var operation = await db.Operations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == operationId, cancellationToken)
            ?? throw new ResourceNotFoundException(name);
        cache.Put(operation);
        return operation;
    }

    public async Task<T> GetAsync<T>(string operationId, string id, string collection, CancellationToken cancellationToken)
        where T : OperationRecord
    {
        access.RequireJustifiedRead();
        var name = ResourceNames.ChildName(operationId, collection, id);
        if (!cache.TryGet<T>(name, out var record))
        {
            record = await db.Set<T>().AsNoTracking().FirstOrDefaultAsync(x => x.OperationId == operationId && x.Id == id, cancellationToken)
                ?? throw new ResourceNotFoundException(name);
            cache.Put(record);
        }

        if (!await access.MayReadAsync(record, cancellationToken))
        {
            throw new ResourceNotFoundException(name); // exactly as if it did not exist
        }

        await log.ConsultedAsync(access.ReadEvent(name));
        return record;
    }

    public Task<bool> ExistsAsync<T>(string operationId, string id, CancellationToken cancellationToken)
        where T : OperationRecord =>
        db.Set<T>().AnyAsync(x => x.OperationId == operationId && x.Id == id, cancellationToken);

    /// <summary>The operations the caller may list.</summary>
    public IQueryable<Operation> VisibleOperations() => access.Visible(db.Operations.AsNoTracking());

    /// <summary>Records of one operation, or of all (<see cref="ResourceNames.AnyOperation"/>), in creation order.</summary>
    public Task<Page<T>> ListAsync<T>(string operationId, string collection, PageRequest page, string query, CancellationToken cancellationToken)
        where T : OperationRecord
    {
        var records = access.Visible(db.Set<T>().AsNoTracking(), collection);
        if (operationId != ResourceNames.AnyOperation)
        {
            records = records.Where(x => x.OperationId == operationId);
        }

        return PageAsync(records, page, query, cancellationToken);
    }

    /// <summary>A page of records for the caller: one consultation entry naming every record shown.</summary>
    public async Task<Page<T>> PageAsync<T>(IQueryable<T> records, PageRequest page, string query, CancellationToken cancellationToken)
        where T : Record
    {
        // Callers pass records already filtered to what the caller may see (RecordAccess.Visible),
        // so a partner learns nothing of the rest, not even from the number of pages.
        access.RequireJustifiedRead();
        var result = await ReadPageAsync(records, page, query, cancellationToken);
        if (result.Items.Count > 0)
        {
            await log.ConsultedAsync(access.ReadEvent($"list {query}", string.Join(' ', result.Items.Select(r => r.Name))));
        }

        return result;
    }

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
    /// The record an earlier request with this key created, if any. Refuses a key reused for a
    /// different request.
    /// </summary>
    public async Task<T?> FindEarlierAsync<T>(IdempotencyKey? key, CancellationToken cancellationToken)
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

    /// <summary>
    /// Stores a new record, unless a request with the same key already did (then returns that one).
    /// <paramref name="validate"/> runs after the retry check, so a retry is not refused for
    /// colliding with its own first attempt.
    /// </summary>
    public async Task<T> CreateAsync<T>(T record, IdempotencyKey? key, Func<Task>? validate, CancellationToken cancellationToken)
        where T : Record
    {
        if (await FindEarlierAsync<T>(key, cancellationToken) is { } earlier)
        {
            // Returning the first result shows the record again: that is a consultation.
            await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Consultation, earlier.Name, Details: "retry of its create"));
            return earlier;
        }

        if (validate is not null)
        {
            await validate();
        }

        var now = Input.TruncateToMicroseconds(clock.GetUtcNow());
        record.OwnerAgency = jurisdiction.Agency;
        record.Version = 1;
        record.CreateTime = now;
        record.UpdateTime = now;
        record.RequestId = key?.RequestId;
        record.RequestFingerprint = key?.Fingerprint;
        db.Add(record);
        await AddEventsAsync(record, created: true, now, cancellationToken);
        try
        {
            await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Collection, record.Name), cancellationToken);
            cache.Put(record);
            outbox.Notify();
            return record;
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            // Lost a race: either a concurrent retry of the same request (return its result), or
            // another create of the same unique thing.
            db.ChangeTracker.Clear();
            var raced = await FindEarlierAsync<T>(key, cancellationToken)
                ?? throw new ResourceAlreadyExistsException($"{record.Name} or a record with the same unique values already exists.");
            await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Consultation, raced.Name, Details: "retry of its create"));
            return raced;
        }
    }

    /// <summary>
    /// The change's event, in the same transaction as the change: for the owner's own integrators,
    /// and for every partner the record is shared with (the record itself or its whole operation).
    /// </summary>
    private async Task AddEventsAsync(Record record, bool created, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One event id per copy: each is its own message for its own recipient.
        db.OutboxMessages.Add(RecordEventFactory.ToOutbox(RecordEventFactory.For(record, created, now), jurisdiction.Agency.Code(), now));
        foreach (var partner in await RecipientsAsync(record, cancellationToken))
        {
            db.OutboxMessages.Add(RecordEventFactory.ToOutbox(RecordEventFactory.For(record, created, now, forPartner: true), partner, now));
        }
    }

    /// <summary>The partners <paramref name="record"/> is shared with now, itself or through its operation.</summary>
    private async Task<List<string>> RecipientsAsync(Record record, CancellationToken cancellationToken)
    {
        var operation = record.OperationName;
        return (await db.Shares.AsNoTracking()
                .Where(s => s.RevokeTime == null && (s.Record == record.Name || s.Record == operation))
                .Select(s => s.Recipient)
                .Distinct()
                .ToListAsync(cancellationToken))
            .Select(r => r.Code())
            .ToList();
    }

    /// <summary>
    /// Erases a record (Directive 2016/680 Art. 16): the row goes, the processing log keeps only that
    /// it was erased, why and by whom, and everyone it was shared with is told to erase their copy.
    /// Shares of the record end with it.
    /// </summary>
    /// <param name="reason">Why, as the caller gave it: required, and logged.</param>
    /// <param name="referencedBy">Another record that still refers to this one, if any: erasing it would leave a dangling link.</param>
    public async Task EraseAsync<T>(IQueryable<T> target, string name, string etag, string reason, Func<T, Task<string?>> referencedBy, CancellationToken cancellationToken)
        where T : OperationRecord
    {
        var errors = new FieldErrors();
        reason = Input.Text(reason, "reason", errors, 500, required: true);
        errors.ThrowIfAny();
        var record = await target.FirstOrDefaultAsync(cancellationToken) ?? throw new ResourceNotFoundException(name);
        if (etag.Length > 0 && etag != record.Etag)
        {
            throw new ConcurrentChangeException($"{name} has changed since it was read (etag {etag}, now {record.Etag}); read it again before erasing it.");
        }

        if (await referencedBy(record) is { } referrer)
        {
            throw new PreconditionFailedException($"{referrer} refers to {name}; erase or change it first.");
        }

        var now = Input.TruncateToMicroseconds(clock.GetUtcNow());
        var recipients = await RecipientsAsync(record, cancellationToken);
        db.OutboxMessages.Add(RecordEventFactory.ToOutbox(RecordEventFactory.Erased(record, now), jurisdiction.Agency.Code(), now));
        foreach (var partner in recipients)
        {
            db.OutboxMessages.Add(RecordEventFactory.ToOutbox(RecordEventFactory.Erased(record, now), partner, now));
        }

        await db.Shares.Where(s => s.Record == name && s.RevokeTime == null).ForEachAsync(s => s.RevokeTime = now, cancellationToken);
        db.Remove(record);
        try
        {
            await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Erasure, name, reason, recipients), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrentChangeException($"{name} was changed by someone else at the same time; read it again before erasing it.");
        }
        finally
        {
            cache.Forget(name);
        }

        outbox.Notify();
    }

    /// <summary>
    /// Loads a record for change, checks the caller's etag, applies the change and saves it as a new
    /// version. A concurrent writer that got there first makes this one fail with Aborted.
    /// </summary>
    public async Task<T> UpdateAsync<T>(IQueryable<T> target, string name, string etag, IEnumerable<string> fields, Func<T, Task> apply, CancellationToken cancellationToken)
        where T : Record
    {
        var record = await target.FirstOrDefaultAsync(cancellationToken) ?? throw new ResourceNotFoundException(name);
        if (etag.Length > 0 && etag != record.Etag)
        {
            throw new ConcurrentChangeException($"{name} has changed since it was read (etag {etag}, now {record.Etag}); read it again and reapply the change.");
        }

        await apply(record);
        record.Version++;
        record.UpdateTime = Input.TruncateToMicroseconds(clock.GetUtcNow());
        await AddEventsAsync(record, created: false, record.UpdateTime, cancellationToken);
        try
        {
            await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Alteration, name, Details: "fields: " + string.Join(',', fields)), cancellationToken);
            cache.Put(record);
            outbox.Notify();
            return record;
        }
        catch (DbUpdateConcurrencyException)
        {
            cache.Forget(name);
            throw new ConcurrentChangeException($"{name} was changed by someone else at the same time; read it again and reapply the change.");
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            throw new ResourceAlreadyExistsException($"The change to {name} collides with another record's unique values.");
        }
    }
}

public sealed record Page<T>(IReadOnlyList<T> Items, string NextPageToken);
