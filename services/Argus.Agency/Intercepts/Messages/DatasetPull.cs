using Argus.Agency.Callers;
using Argus.Agency.Partners;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client;
using Argus.Hosting.Errors;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Intercepts.V1;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// A shared dataset crossing the border, both ends. The owner streams the shared subset in
/// batches after the partner's cursor, logging the disclosure once per stream with its range and
/// count before the first message leaves; the partner writes each batch with its own bulk path
/// and the cursor in one transaction, so a cut stream resumes after its last committed batch.
/// </summary>
public sealed class DatasetPull(AgencyDbContext db, DatasetContentsBook book, IRecordShares shares, RecordAccess access, Caller caller,
    RequestProcessingLog log, PartnerClients partners, FullTextIndexer fullText, TimeProvider clock)
{
    public const int DefaultBatchSize = 2000;
    public const int MaxBatchSize = 5000;

    /// <summary>The owner's side: the part of <paramref name="request"/>'s dataset shared with the calling partner.</summary>
    public async Task StreamSharedAsync(Proto.StreamSharedMessagesRequest request, IServerStreamWriter<Proto.StreamSharedMessagesResponse> responses, CancellationToken cancellationToken)
    {
        if (caller.Partner is not { } partner || !caller.IsAgencyService)
        {
            throw new AccessDeniedException("Shared messages are streamed to partner agencies' services, which keep the copies; this agency's own callers search its datasets directly.");
        }

        access.RequireJustifiedRead();
        var errors = new FieldErrors();
        errors.Check(request.AfterSequence >= 0, "after_sequence", "must not be negative.");
        errors.Check(request.BatchSize is >= 0 and <= MaxBatchSize, "batch_size", $"must be 1 to {MaxBatchSize} (0 means {DefaultBatchSize}).");
        errors.ThrowIfAny();
        var batchSize = request.BatchSize == 0 ? DefaultBatchSize : request.BatchSize;

        // Not shared with the caller, or no such dataset: the same answer.
        var (record, contents) = await book.OwnAsync(request.Dataset, "dataset", create: false, cancellationToken);
        var sharedUnder = await shares.SharedUnderAsync(partner, [record.Name, record.OperationName], cancellationToken);
        if (sharedUnder.Count == 0)
        {
            throw new ResourceNotFoundException(request.Dataset);
        }

        var subset = record.SharedSubset;
        var store = MessageStore.For(db);
        var (offered, last) = contents is null ? (0L, 0L) : await store.CountAfterAsync(contents.Key, request.AfterSequence, subset, cancellationToken);
        await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Disclosure, record.Name,
            $"messages streamed: {offered} of {subset}, sequences {request.AfterSequence + 1}–{last}", [partner.Code()]));

        var shownSubset = InterceptDatasetMapping.ToProto(subset);
        var batch = new Proto.StreamSharedMessagesResponse { Offered = offered, SharedSubset = shownSubset, Cursor = request.AfterSequence };
        if (contents is not null && offered > 0)
        {
            await foreach (var row in store.ReadRangeAsync(contents.Key, request.AfterSequence, last, subset, cancellationToken))
            {
                batch.Messages.Add(InterceptMapping.ToProto(row));
                batch.Cursor = row.Sequence;
                if (batch.Messages.Count == batchSize)
                {
                    await responses.WriteAsync(batch, cancellationToken);
                    batch = new Proto.StreamSharedMessagesResponse { Offered = offered, SharedSubset = shownSubset, Cursor = row.Sequence };
                }
            }
        }

        // The last batch, possibly empty: it carries the cursor and the subset even when nothing is new.
        await responses.WriteAsync(batch, cancellationToken);
    }

    /// <summary>The partner's side: pulls the owner's shared part of a dataset this agency holds a copy of, after its cursor.</summary>
    public async Task PullAsync(string dataset, IServerStreamWriter<Proto.PullDatasetResponse> progress, CancellationToken cancellationToken)
    {
        var copy = await book.CopyAsync(dataset, cancellationToken) ?? throw new ResourceNotFoundException(dataset);
        var contents = await book.ForeignAsync(copy.Owner, dataset, cancellationToken);
        var owner = partners.For(copy.Owner).Client;
        var justification = caller.Justification.Trim().Length > 0 ? caller.Justification : "Keeping this agency's copy of a shared intercept dataset (Argus pull)";
        var options = new CallOptions(Justification.Of(justification), cancellationToken: cancellationToken);
        var start = contents.PullCursor;
        long received = 0;
        long offered = 0;
        using (var stream = owner.Intercepts.StreamSharedMessages(new() { Dataset = dataset, AfterSequence = contents.PullCursor }, options))
        {
            var store = MessageStore.For(db);
            var rows = new List<MessageRow>(MaxBatchSize);
            await foreach (var batch in stream.ResponseStream.ReadAllAsync(cancellationToken))
            {
                offered = batch.Offered;
                rows.Clear();
                foreach (var message in batch.Messages)
                {
                    rows.Add(InterceptMapping.FromOwner(message, contents.NextSequence++));
                }

                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var written = rows.Count == 0 ? 0 : await store.WriteAsync(contents.Key, importKey: 0, rows, contents.Indexed, cancellationToken);
                var errors = new FieldErrors();
                var subset = InterceptDatasetMapping.ToDomain(batch.SharedSubset, "shared_subset", errors);
                contents.SharedHandles = [.. subset.Handles];
                contents.SharedFrom = subset.From;
                contents.SharedUntil = subset.Until;
                contents.MessageCount += written;
                contents.PullCursor = batch.Cursor;
                contents.UpdateTime = clock.GetUtcNow();
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                received += batch.Messages.Count;
                await progress.WriteAsync(new() { Received = received, Offered = offered }, cancellationToken);
            }
        }

        if (!contents.Indexed)
        {
            var store = MessageStore.For(db);
            contents.MessageCount -= await store.BuildIndexesAsync(contents.Key, cancellationToken);
            contents.Indexed = true;
            contents.FullTextIndexed = store.FullTextKeptAsRowsArrive;
        }

        await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Collection, dataset,
            $"copy of {received} messages received from {copy.Owner.Code()} (of {offered} offered), owner's sequences {start + 1}–{contents.PullCursor}"), cancellationToken);
        if (!contents.FullTextIndexed)
        {
            fullText.Request(contents.Key);
        }

        await progress.WriteAsync(new() { Received = received, Offered = offered, Done = true }, cancellationToken);
    }
}
