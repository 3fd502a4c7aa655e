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
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Proto = Argus.Intercepts.V1;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// A shared dataset crossing the border, both ends. The owner streams the shared subset in
/// batches after the partner's cursor, logging the disclosure once per stream with its range and
/// count before the first message leaves; the partner writes each batch with its own bulk path
/// and the cursor in one transaction, so a cut stream resumes after its last committed batch.
/// </summary>
public sealed partial class DatasetPull(AgencyDbContext db, DatasetContentsBook book, IRecordShares shares, RecordAccess access, Caller caller,
    RequestProcessingLog log, PartnerClients partners, BackgroundIndexer indexer, IOptions<InterceptOptions> options, TimeProvider clock, ILogger<DatasetPull> logger)
{
    private readonly InterceptOptions limits = options.Value;

    public const int DefaultBatchSize = 2000;
    public const int MaxBatchSize = 5000;

    /// <summary>A batch ends at this size too (long texts, counted in chars): under the 4 MiB a gRPC client takes by default.</summary>
    public const int MaxBatchBytes = 1 << 20;

    /// <summary>
    /// A message's size on the wire, from its strings' lengths (a UTF-16 char is at most three UTF-8
    /// bytes, so a 1 MiB batch by this count stays under a client's 4 MiB); cheaper than asking
    /// protobuf, which computes the size again when it writes.
    /// </summary>
    private static int Estimate(MessageRow row) =>
        64 + row.MessageId.Length + row.Sender.Length + row.Recipient.Length + (row.SenderDevice?.Length ?? 0) + (row.RecipientDevice?.Length ?? 0)
        + (row.Text?.Length ?? 0) + (row.Attachments?.Length ?? 0);

    /// <summary>How many sequences a stream reads between two checks that its share still stands.</summary>
    public const long ShareCheckSpan = 20_000;

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

        if (contents is { ActiveImport: not null } or { Indexed: false, MessageCount: > 0 })
        {
            throw new PreconditionFailedException($"{Input.Shorten(record.Name)} is being imported; pull it once the import is complete.");
        }

        var subset = record.SharedSubset;
        var store = MessageStore.For(db);
        var (offered, last) = contents is null ? (0L, 0L) : await store.CountAfterAsync(contents.Key, request.AfterSequence, subset, cancellationToken);
        await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Disclosure, record.Name,
            $"messages streamed: {offered} of {subset}, sequences {request.AfterSequence + 1}–{last}", [partner.Code()]));

        var shownSubset = InterceptDatasetMapping.ToProto(subset);
        var batch = new Proto.StreamSharedMessagesResponse { Offered = offered, SharedSubset = shownSubset, Cursor = request.AfterSequence };
        var batchBytes = 0;
        if (contents is not null && offered > 0)
        {
            for (var from = request.AfterSequence; from < last; from += ShareCheckSpan)
            {
                // A long stream checks between spans (no reader open on the connection then) that the
                // share still stands: a revocation stops what is left of it.
                if (from > request.AfterSequence && (await shares.SharedUnderAsync(partner, [record.Name, record.OperationName], cancellationToken)).Count == 0)
                {
                    throw new ResourceNotFoundException(record.Name);
                }

                await foreach (var row in store.ReadRangeAsync(contents.Key, from, Math.Min(last, from + ShareCheckSpan), subset, cancellationToken))
                {
                    var message = InterceptMapping.ToProto(row);
                    batch.Messages.Add(message);
                    batch.Cursor = row.Sequence;
                    batchBytes += Estimate(row);
                    if (batch.Messages.Count == batchSize || batchBytes >= MaxBatchBytes)
                    {
                        batchBytes = 0;
                        await responses.WriteAsync(batch, cancellationToken);
                        batch = new Proto.StreamSharedMessagesResponse { Offered = offered, SharedSubset = shownSubset, Cursor = row.Sequence };
                    }
                }
            }
        }

        // The last batch, possibly empty: it carries the cursor and the subset even when nothing is new.
        await responses.WriteAsync(batch, cancellationToken);
    }

    /// <summary>
    /// The partner's side: pulls the owner's shared part of a dataset this agency holds a copy of,
    /// after its cursor: a group of about <see cref="InterceptOptions.BatchRows"/> rows per
    /// transaction, with the cursor of its last batch, committed while the next group is received.
    /// </summary>
    public async Task PullAsync(string dataset, IServerStreamWriter<Proto.PullDatasetResponse> progress, CancellationToken cancellationToken)
    {
        var copy = await book.CopyAsync(dataset, cancellationToken) ?? throw new ResourceNotFoundException(dataset);
        var contents = await book.ForeignAsync(copy.Owner, dataset, cancellationToken);
        var owner = partners.For(copy.Owner).Client;
        var justification = caller.Justification.Trim().Length > 0 ? caller.Justification : "Keeping this agency's copy of a shared intercept dataset (Argus pull)";
        var call = new CallOptions(Justification.Of(justification), cancellationToken: cancellationToken);
        var start = contents.PullCursor;
        // The owner's message ids are unique in its dataset, so one pass into an empty copy holds
        // none twice: the copy's unique index is only needed by later writes, and is left to the
        // background indexer (half the cost of a first pull's index builds). Any other first load
        // (resumed, or started over when the shared part changed) may hold an id twice, and builds it now.
        var intoEmptyCopy = start == 0 && contents.MessageCount == 0;
        var started = clock.GetTimestamp();
        var store = MessageStore.For(db);
        await store.CreateAsync(contents.Key, cancellationToken);
        if (contents.Indexed && !contents.FullTextIndexed)
        {
            // The background indexer may not have got to the copy yet: writes skip known ids by the unique index.
            contents.MessageCount -= await store.BuildUniqueIndexAsync(contents.Key, cancellationToken);
        }

        var pass = new Pass(progress);
        try
        {
            // One pull at a time per copy: a second one conflicts here or at its next commit.
            contents.Version++;
            await db.SaveChangesAsync(cancellationToken);
            await PassAsync(contents, owner, dataset, call, pass, cancellationToken);
            if (pass.SubsetChanged && start > 0)
            {
                // The owner changed the shared part: what it now includes before the cursor comes too
                // (what the copy holds already is skipped by its message ids).
                contents.PullCursor = 0;
                pass.SubsetChanged = false;
                await PassAsync(contents, owner, dataset, call, pass, cancellationToken);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new PreconditionFailedException($"Another pull of {Input.Shorten(dataset)}, or a change of its shared part, ran at the same time; pull again.");
        }

        if (!contents.Indexed)
        {
            var loaded = clock.GetElapsedTime(started);
            contents.MessageCount -= await store.BuildIndexesAsync(contents.Key, unique: !intoEmptyCopy, cancellationToken);
            contents.Indexed = true;
            contents.FullTextIndexed = store.FullTextKeptAsRowsArrive;
            var indexing = clock.GetElapsedTime(started) - loaded;
            LogLoaded(logger, dataset, pass.Received, loaded.TotalSeconds, indexing.TotalSeconds);
        }

        await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Collection, dataset,
            $"copy of {pass.Received} messages received from {copy.Owner.Code()} (of {pass.Offered} offered), owner's sequences {start + 1}–{contents.PullCursor}"), cancellationToken);
        if (!contents.FullTextIndexed)
        {
            indexer.Request(contents.Key);
        }

        await progress.WriteAsync(new() { Received = pass.Received, Offered = pass.Offered, Done = true }, cancellationToken);
    }

    /// <summary>What a pull has done so far, shared by its reading and its writing loop.</summary>
    private sealed class Pass(IServerStreamWriter<Proto.PullDatasetResponse> progress)
    {
        public IServerStreamWriter<Proto.PullDatasetResponse> Progress => progress;

        public long Received;

        public long Offered;

        public bool SubsetChanged;
    }

    /// <summary>
    /// One stream from the owner, after the copy's cursor, on three loops: this one receives and
    /// parses the owner's batches, a second checks and encodes their messages into groups of rows,
    /// a third commits each group.
    /// </summary>
    private async Task PassAsync(DatasetContents contents, AgencyClient owner, string dataset, CallOptions call, Pass pass, CancellationToken cancellationToken)
    {
        var store = MessageStore.For(db);
        var writer = new BatchStage<Group>(async group =>
        {
            pass.Received += await CommitAsync(store, contents, group, pass, cancellationToken);
            await pass.Progress.WriteAsync(new() { Received = pass.Received, Offered = Volatile.Read(ref pass.Offered) }, cancellationToken);
        }, cancellationToken);
        using var grouping = new Grouping(store, contents, limits.BatchRows, writer);
        var converter = new BatchStage<Proto.StreamSharedMessagesResponse>(batch => grouping.TakeAsync(batch, cancellationToken), cancellationToken);
        try
        {
            using var stream = owner.Intercepts.StreamSharedMessages(new() { Dataset = dataset, AfterSequence = contents.PullCursor }, call);
            await foreach (var batch in stream.ResponseStream.ReadAllAsync(cancellationToken))
            {
                Volatile.Write(ref pass.Offered, batch.Offered);
                await converter.AddAsync(batch, cancellationToken);
            }

            await converter.CompleteAsync();
            await grouping.FinishAsync(cancellationToken);
        }
        catch (Exception)
        {
            // What the later loops hold is committed before the request ends.
            await converter.AbandonAsync();
            await writer.AbandonAsync();
            throw;
        }

        await writer.CompleteAsync();
    }

    /// <summary>
    /// The second loop of a pass: the owner's messages, checked like any input, as rows with this
    /// copy's sequences (given here, in order: the writer commits the groups in order), handed on
    /// in groups of about <see cref="InterceptOptions.BatchRows"/>.
    /// </summary>
    private sealed class Grouping(MessageStore store, DatasetContents contents, int groupRows, BatchStage<Group> writer) : IDisposable
    {
        private MessageBatch rows = store.NewBatch(contents.Key, importKey: 0);
        private long sequence = contents.NextSequence;
        private Proto.StreamSharedMessagesResponse? last;

        public async Task TakeAsync(Proto.StreamSharedMessagesResponse batch, CancellationToken cancellationToken)
        {
            foreach (var message in batch.Messages)
            {
                var row = InterceptMapping.FromOwner(message) ?? throw new PreconditionFailedException(
                    $"The owner sent message {Input.Shorten(message.MessageId)} in a form this copy cannot hold (no valid time, handles or text); the pull stops before it.");
                row.Sequence = sequence++;
                rows.Add(row);
            }

            last = batch;
            if (rows.Count >= groupRows)
            {
                await HandOverAsync(batch, cancellationToken);
            }
        }

        /// <summary>The last group, possibly empty: it carries the cursor and the subset even when nothing is new.</summary>
        public async Task FinishAsync(CancellationToken cancellationToken)
        {
            if (last is not null)
            {
                await HandOverAsync(last, cancellationToken);
            }
        }

        private async Task HandOverAsync(Proto.StreamSharedMessagesResponse batch, CancellationToken cancellationToken)
        {
            var group = new Group(rows, batch.Cursor, batch.SharedSubset, sequence);
            rows = store.NewBatch(contents.Key, importKey: 0);
            try
            {
                await writer.AddAsync(group, cancellationToken);
            }
            catch (Exception)
            {
                group.Rows.Dispose(); // never taken
                throw;
            }
        }

        /// <summary>Rows not handed over (the pass failed): theirs to release.</summary>
        public void Dispose() => rows.Dispose();
    }

    /// <summary>Rows of the owner's batches, the cursor after the last of them, the subset the owner applied, and the copy's next sequence after them.</summary>
    private sealed record Group(MessageBatch Rows, long Cursor, Proto.MessageSubset? Subset, long NextSequence);

    /// <summary>
    /// One group and the copy's cursor, in one transaction; how many rows it held. A group the owner
    /// sent under another subset than the copy's first removes what lies outside the new one.
    /// </summary>
    private async Task<int> CommitAsync(MessageStore store, DatasetContents contents, Group group, Pass pass, CancellationToken cancellationToken)
    {
        using var rows = group.Rows;
        var errors = new FieldErrors();
        var subset = InterceptDatasetMapping.ToDomain(group.Subset, "shared_subset", errors);
        if (errors.Any)
        {
            throw new PreconditionFailedException("The owner sent a shared subset this copy cannot apply; the pull stops.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!DatasetContentsBook.Same(subset, contents.SharedSubset))
        {
            contents.MessageCount -= await store.DeleteOutsideAsync(contents.Key, subset, cancellationToken);
            contents.SharedHandles = [.. subset.Handles];
            contents.SharedFrom = subset.From;
            contents.SharedUntil = subset.Until;
            pass.SubsetChanged = true;
        }

        var written = rows.Count == 0 ? 0 : await store.WriteAsync(rows, contents.Indexed, cancellationToken);
        contents.MessageCount += written;
        contents.NextSequence = group.NextSequence;
        contents.PullCursor = group.Cursor;
        contents.UpdateTime = clock.GetUtcNow();
        contents.Version++;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pull of {Dataset}: {Rows} rows loaded in {Load:N1} s, indexes built in {Indexes:N1} s")]
    private static partial void LogLoaded(ILogger logger, string dataset, long rows, double load, double indexes);
}
