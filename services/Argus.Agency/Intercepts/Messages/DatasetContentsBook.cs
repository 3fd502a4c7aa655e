using Argus.Agency.Persistence;
using Argus.Agency.Replica;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Intercepts.V1;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// Finds what this agency holds of a dataset's messages — its own dataset's, or its copy of a
/// partner's — and keeps that in step with the record: created with the first import or pull,
/// gone when the dataset is erased or no longer shared, narrowed with the shared subset.
/// </summary>
public sealed class DatasetContentsBook(AgencyDbContext db, IJurisdiction jurisdiction, TimeProvider clock)
{
    private static readonly InterceptDatasetKind Kind = InterceptDatasetKind.Instance;

    /// <summary>This agency's own dataset and its contents (created when <paramref name="create"/>), or NotFound.</summary>
    public async Task<(InterceptDataset Record, DatasetContents? Contents)> OwnAsync(string name, string field, bool create, CancellationToken cancellationToken)
    {
        var parsed = Kind.ParseName(name, field);
        var record = await Kind.Named(db.Set<InterceptDataset>().AsNoTracking(), parsed).FirstOrDefaultAsync(cancellationToken)
            ?? throw new ResourceNotFoundException(name);
        var contents = await db.Set<DatasetContents>().FirstOrDefaultAsync(c => c.Owner == jurisdiction.Agency && c.Dataset == name, cancellationToken);
        if (contents is null && create)
        {
            contents = await CreateAsync(jurisdiction.Agency, name, foreign: false, cancellationToken);
        }

        return (record, contents);
    }

    /// <summary>
    /// What a caller of this agency reads of a dataset named at its owner: this agency's own, or its
    /// copy of one a partner shared (only while the replica holds the record). NotFound otherwise.
    /// </summary>
    public async Task<DatasetContents?> ReadableAsync(string name, string field, CancellationToken cancellationToken)
    {
        var parsed = Kind.ParseName(name, field);
        if (await Kind.Named(db.Set<InterceptDataset>().AsNoTracking(), parsed).AnyAsync(cancellationToken))
        {
            return await db.Set<DatasetContents>().AsNoTracking().FirstOrDefaultAsync(c => c.Owner == jurisdiction.Agency && c.Dataset == name, cancellationToken);
        }

        var copy = await CopyAsync(name, cancellationToken) ?? throw new ResourceNotFoundException(name);
        return await db.Set<DatasetContents>().AsNoTracking().FirstOrDefaultAsync(c => c.Owner == copy.Owner && c.Dataset == name, cancellationToken);
    }

    /// <summary>The replica's copy of a partner's dataset, if this agency holds one.</summary>
    public Task<ForeignRecord?> CopyAsync(string name, CancellationToken cancellationToken) =>
        db.Set<ForeignRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Record == name && c.Kind == Kind.Name && c.Owner != jurisdiction.Agency, cancellationToken);

    /// <summary>The contents of a partner's dataset this agency copies, created at the first pull.</summary>
    public async Task<DatasetContents> ForeignAsync(AgencyCode owner, string name, CancellationToken cancellationToken) =>
        await db.Set<DatasetContents>().FirstOrDefaultAsync(c => c.Owner == owner && c.Dataset == name, cancellationToken)
            ?? await CreateAsync(owner, name, foreign: true, cancellationToken);

    private async Task<DatasetContents> CreateAsync(AgencyCode owner, string name, bool foreign, CancellationToken cancellationToken)
    {
        var contents = new DatasetContents { Owner = owner, Dataset = name, Foreign = foreign, UpdateTime = clock.GetUtcNow(), Version = 1 };
        db.Set<DatasetContents>().Add(contents);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DatabaseErrors.IsUniqueViolation(e))
        {
            // Another request created it at the same moment: use theirs.
            db.Entry(contents).State = EntityState.Detached;
            return await db.Set<DatasetContents>().FirstAsync(c => c.Owner == owner && c.Dataset == name, cancellationToken);
        }

        await MessageStore.For(db).CreateAsync(contents.Key, cancellationToken);
        return contents;
    }

    /// <summary>
    /// This agency's datasets with a message the handle sent or received (hit/no-hit answers from
    /// the indexes: a dataset whose first load is still running has none yet and is not searched).
    /// </summary>
    public async Task<IReadOnlyList<string>> OwnDatasetsWithHandleAsync(string handle, CancellationToken cancellationToken)
    {
        if (Handles.Normalize(handle) is not { } normalized)
        {
            return [];
        }

        var store = MessageStore.For(db);
        var found = new List<string>();
        foreach (var contents in await db.Set<DatasetContents>().AsNoTracking().Where(c => c.Owner == jurisdiction.Agency && c.MessageCount > 0 && c.Indexed).ToListAsync(cancellationToken))
        {
            if (await store.HasHandleAsync(contents.Key, normalized, cancellationToken))
            {
                found.Add(contents.Dataset);
            }
        }

        return found;
    }

    /// <summary>After the owner's dataset record is erased: its messages and imports go too.</summary>
    public async Task ForgetOwnAsync(string name, CancellationToken cancellationToken) =>
        await ForgetAsync(db, await db.Set<DatasetContents>().Where(c => c.Owner == jurisdiction.Agency && c.Dataset == name).ToListAsync(cancellationToken), cancellationToken);

    /// <summary>A partner's datasets whose copies go (erased, no longer shared): their messages go with them.</summary>
    public static async Task ForgetForeignAsync(DbContext context, AgencyCode owner, IReadOnlyList<string> records, CancellationToken cancellationToken)
    {
        var db = (AgencyDbContext)context;
        await ForgetAsync(db, await db.Set<DatasetContents>().Where(c => c.Owner == owner && c.Foreign && records.Contains(c.Dataset)).ToListAsync(cancellationToken), cancellationToken);
    }

    private static async Task ForgetAsync(AgencyDbContext db, List<DatasetContents> gone, CancellationToken cancellationToken)
    {
        var store = MessageStore.For(db);
        foreach (var contents in gone)
        {
            await store.DropAsync(contents.Key, cancellationToken);
            db.Set<InterceptImport>().RemoveRange(await db.Set<InterceptImport>().Where(i => i.DatasetKey == contents.Key).ToListAsync(cancellationToken));
            db.Set<DatasetContents>().Remove(contents);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The owner changed the subset it shares: the messages outside it go now; and since what is
    /// inside may now include messages before the pull's cursor, the next pull starts over
    /// (what the copy holds already is skipped by its unique message ids).
    /// </summary>
    public static async Task NarrowForeignAsync(DbContext context, AgencyCode owner, string record, Proto.InterceptDataset disclosed, CancellationToken cancellationToken)
    {
        var db = (AgencyDbContext)context;
        var contents = await db.Set<DatasetContents>().FirstOrDefaultAsync(c => c.Owner == owner && c.Foreign && c.Dataset == record, cancellationToken);
        if (contents is null)
        {
            return;
        }

        var errors = new FieldErrors();
        var subset = InterceptDatasetMapping.ToDomain(disclosed.SharedSubset, "shared_subset", errors);
        if (errors.Any || Same(subset, contents.SharedSubset))
        {
            return;
        }

        var removed = await MessageStore.For(db).DeleteOutsideAsync(contents.Key, subset, cancellationToken);
        contents.MessageCount -= removed;
        contents.SharedHandles = [.. subset.Handles];
        contents.SharedFrom = subset.From;
        contents.SharedUntil = subset.Until;
        contents.PullCursor = 0;
        contents.UpdateTime = DateTimeOffset.UtcNow;
        contents.Version++;
    }

    public static bool Same(MessageSubset a, MessageSubset b) => a.From == b.From && a.Until == b.Until && a.Handles.SequenceEqual(b.Handles, StringComparer.Ordinal);
}
