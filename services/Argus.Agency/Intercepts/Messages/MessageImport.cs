using System.Text;
using Argus.Agency.Callers;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Proto = Argus.Intercepts.V1;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// One import: the file's bytes arrive in chunks, are cut into lines and parsed here, and are
/// written in batches — each batch one transaction with the import's progress (bytes and lines
/// taken, counts), so a cut-off import resumes from its last batch, or is rolled back. A first
/// load into a dataset writes without indexes and builds them at its end. The processing log
/// gets one collection entry per import, with its counts, not one per message.
/// </summary>
public sealed partial class MessageImport(AgencyDbContext db, DatasetContentsBook book, RequestProcessingLog log, Caller caller, IOptions<InterceptOptions> options,
    BackgroundIndexer indexer, TimeProvider clock, ILogger<MessageImport> logger)
{
    private const int MaxKeptRejections = 100;
    private readonly AgencyDbContext db = db;
    private readonly RequestProcessingLog log = log;
    private readonly TimeProvider clock = clock;
    private readonly BackgroundIndexer indexer = indexer;
    private readonly ILogger<MessageImport> logger = logger;
    private readonly InterceptOptions limits = options.Value;

    /// <param name="accepted">
    /// Called once the first message is accepted (the import started or resumed): the call's response
    /// headers go out then, so a client that waits for them sends no data into a refusal — a refusal
    /// racing a client's data chunk could otherwise end as the chunk cut off (InvalidArgument).
    /// </param>
    public async Task<InterceptImport> RunAsync(IAsyncStreamReader<Proto.ImportMessagesRequest> requests, Func<Task> accepted, CancellationToken cancellationToken)
    {
        if (!await requests.MoveNext(cancellationToken))
        {
            throw FieldErrors.Invalid("dataset", "is required: the stream ended before its first message.");
        }

        var first = requests.Current;
        var (_, contents) = await book.OwnAsync(first.Dataset, "dataset", create: true, cancellationToken);
        await MessageStore.For(db).CreateAsync(contents!.Key, cancellationToken); // made with the contents; again, in case that was cut short
        var import = first.Resume.Length > 0 ? await ResumeAsync(first, contents, cancellationToken) : await StartAsync(first, contents, cancellationToken);
        using var run = new Run(this, import, contents!, cancellationToken);
        try
        {
            await accepted();
            var request = first;
            while (true)
            {
                await run.TakeAsync(request);
                if (request.Finish)
                {
                    return await run.FinishAsync();
                }

                if (!await requests.MoveNext(cancellationToken))
                {
                    throw new PreconditionFailedException($"The stream ended without finish at byte {run.Offset}: {import.Name} is interrupted; resume it from committed_bytes, or roll it back.");
                }

                request = requests.Current;
                if (request.Dataset.Length > 0 || request.Resume.Length > 0 || request.Format != Proto.ImportFormat.Unspecified)
                {
                    throw FieldErrors.Invalid("dataset", "is given in the first message only.");
                }
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another writer (a resume, another instance) took the dataset: the import is its now.
            throw new PreconditionFailedException($"{import.Name} was taken over by another stream (a resume); this one stops.");
        }
        catch when (import.State == ImportState.Running)
        {
            // What was committed stays; the rest of the batch was never written.
            await run.InterruptAsync();
            throw;
        }
    }

    private async Task<InterceptImport> StartAsync(Proto.ImportMessagesRequest first, DatasetContents contents, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var format = Input.Enum<Proto.ImportFormat, ImportFormat>(first.Format, "format", errors);
        errors.Check(first.Offset == 0, "offset", "must be 0 at the start of a new import (to resume, name the import in resume).");
        errors.ThrowIfAny();
        if (contents.ActiveImport is { } active)
        {
            var running = await db.Set<InterceptImport>().AsNoTracking().FirstAsync(i => i.Key == active, cancellationToken);
            throw new PreconditionFailedException($"{running.Name} is {(running.State == ImportState.Running ? "running" : "interrupted")} into this dataset: resume it or roll it back first.");
        }

        var import = new InterceptImport
        {
            Id = ResourceNames.NewId(), DatasetKey = contents.Key, Dataset = contents.Dataset, Format = format, State = ImportState.Running,
            ClientId = caller.ClientId, StartTime = clock.GetUtcNow(),
        };
        db.Set<InterceptImport>().Add(import);
        await db.SaveChangesAsync(cancellationToken);
        contents.ActiveImport = import.Key;
        await ClaimAsync(contents, cancellationToken);
        return import;
    }

    private async Task<InterceptImport> ResumeAsync(Proto.ImportMessagesRequest first, DatasetContents contents, CancellationToken cancellationToken)
    {
        var id = first.Resume.StartsWith(contents.Dataset + "/" + InterceptImport.Collection + "/", StringComparison.Ordinal)
            ? first.Resume[(contents.Dataset.Length + InterceptImport.Collection.Length + 2)..]
            : throw FieldErrors.Invalid("resume", $"must name an import of {Input.Shorten(contents.Dataset)}: \"{{dataset}}/imports/{{import}}\".");
        var import = await db.Set<InterceptImport>().FirstOrDefaultAsync(i => i.Id == id && i.DatasetKey == contents.Key, cancellationToken)
            ?? throw new ResourceNotFoundException(first.Resume);
        if (import.State is not (ImportState.Interrupted or ImportState.Running) || contents.ActiveImport != import.Key)
        {
            throw new PreconditionFailedException($"{import.Name} is {import.State.ToString().ToLowerInvariant()}: only an interrupted import resumes.");
        }

        if (import.State == ImportState.Running && !Abandoned(contents, clock))
        {
            throw new PreconditionFailedException($"{import.Name} is running (it committed {(clock.GetUtcNow() - contents.UpdateTime).TotalSeconds:N0} s ago); resume it once it is interrupted.");
        }

        if (first.Offset != import.CommittedBytes)
        {
            throw new PreconditionFailedException($"{import.Name} resumes at byte {import.CommittedBytes} (committed_bytes), not {first.Offset}.");
        }

        if (first.Format != Proto.ImportFormat.Unspecified && (int)first.Format != (int)import.Format)
        {
            throw FieldErrors.Invalid("format", $"must be the import's own format, {import.Format}, or unset.");
        }

        import.State = ImportState.Running;
        import.EndTime = null;
        await ClaimAsync(contents, cancellationToken);
        return import;
    }

    /// <summary>
    /// A "running" import that has not committed for <see cref="InterceptOptions.AbandonedAfter"/>
    /// lost its stream without a word (the service stopped): it may be resumed or rolled back.
    /// </summary>
    internal static bool Abandoned(DatasetContents contents, TimeProvider clock) =>
        clock.GetUtcNow() - contents.UpdateTime > InterceptOptions.AbandonedAfter;

    /// <summary>Takes the dataset for this import, unless another import took it first (another instance, another request).</summary>
    private async Task ClaimAsync(DatasetContents contents, CancellationToken cancellationToken)
    {
        contents.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            await db.Set<InterceptImport>().Where(i => i.Key == contents.ActiveImport && i.State == ImportState.Running && i.CommittedBytes == 0)
                .ExecuteDeleteAsync(CancellationToken.None);
            throw new PreconditionFailedException("Another import (or a resume of this one) took this dataset at the same moment; try again when it has ended.");
        }
    }

    /// <summary>A batch parsed from the file: its rows, its rejections, and where in the file it ends (in whole lines).</summary>
    private sealed record Batch(MessageBatch Rows, int Rejected, List<(long Line, string Reason)> Reasons, long Bytes, long LastLine, long NextSequence);

    /// <summary>
    /// One running import, on three loops: the request's loop receives the file and cuts it into
    /// chunks of whole lines; a parsing loop turns each chunk into a batch of rows; a writer loop
    /// commits each batch (the database's work) while the next ones are cut and parsed. One chunk
    /// and one batch wait between them at most, so memory stays at a few batches whatever the file.
    /// Only the writer touches the database until the file has ended.
    /// </summary>
    private sealed class Run(MessageImport owner, InterceptImport import, DatasetContents contents, CancellationToken cancellationToken) : IDisposable
    {
        /// <summary>A chunk (one transaction) ends at this size too, whatever its lines: long lines keep it bounded.</summary>
        private const int MaxChunkBytes = 16 << 20;

        private readonly MessageStore store = MessageStore.For(owner.db);
        private readonly long started = owner.clock.GetTimestamp();

        // The request's loop: cutting.
        private LineChunk chunk = new(import.CommittedLines + 1);
        private bool skippingLongLine;
        private long line = import.CommittedLines;
        private BatchStage<LineChunk>? parsing;
        private BatchStage<Batch>? writer;

        // The parsing loop. Sequences are given as lines are parsed (the writer commits the batches in order).
        private long nextSequence = contents.NextSequence;
        private MessageLineParser? parser = import.Format == ImportFormat.Ndjson ? MessageLineParser.Ndjson() : import.CsvHeader is { } header ? MessageLineParser.Csv(header).Parser : null;

        /// <summary>The file's offset of the next byte expected.</summary>
        public long Offset { get; private set; } = import.CommittedBytes;

        public async Task TakeAsync(Proto.ImportMessagesRequest request)
        {
            if (request.Data.Length > 0 && request.Offset != Offset)
            {
                throw new PreconditionFailedException($"Data at byte {request.Offset}, where byte {Offset} was expected: send the file in order, from committed_bytes.");
            }

            if (Offset + request.Data.Length > owner.limits.MaxImportBytes)
            {
                throw new QuotaExceededException($"The file is larger than this service's limit of {owner.limits.MaxImportBytes} bytes per import (Argus:Intercepts:MaxImportBytes).");
            }

            var data = request.Data.Memory;
            if (Offset == 0 && data.Span.StartsWith("\uFEFF"u8))
            {
                data = data[3..];
                chunk.Bytes += 3;
                Offset += 3;
            }

            while (data.Length > 0)
            {
                var end = data.Span.IndexOf((byte)'\n');
                var piece = end < 0 ? data.Span : data.Span[..end];
                if (!skippingLongLine)
                {
                    if (chunk.OpenLineLength + piece.Length > owner.limits.MaxLineBytes)
                    {
                        skippingLongLine = true; // no more of it is kept; its end drops what was
                    }
                    else
                    {
                        chunk.Append(piece);
                    }
                }

                if (end < 0)
                {
                    Offset += data.Length;
                    chunk.Bytes += data.Length;
                    break;
                }

                Offset += end + 1;
                chunk.Bytes += end + 1;
                data = data[(end + 1)..];
                await EndLineAsync();
            }
        }

        public async Task<InterceptImport> FinishAsync()
        {
            if (chunk.OpenLineLength > 0 || skippingLongLine)
            {
                await EndLineAsync(); // a last line without its line break
            }

            await HandOverAsync();
            await parsing!.CompleteAsync();
            await writer!.CompleteAsync();
            if (!contents.Indexed)
            {
                var loaded = owner.clock.GetElapsedTime(started);
                var removed = await store.BuildIndexesAsync(contents.Key, unique: true, cancellationToken);
                var indexing = owner.clock.GetElapsedTime(started) - loaded;
                LogLoaded(owner.logger, import.Name, import.Imported, loaded.TotalSeconds, indexing.TotalSeconds);
                import.Duplicates += removed;
                import.Imported -= removed;
                contents.MessageCount -= removed;
                contents.Indexed = true;
                contents.FullTextIndexed = store.FullTextKeptAsRowsArrive;
            }

            import.State = ImportState.Complete;
            import.EndTime = owner.clock.GetUtcNow();
            contents.ActiveImport = null;
            contents.UpdateTime = import.EndTime.Value;
            await owner.log.SaveWithEntryAsync(owner.db, new ProcessingEvent(ProcessingAction.Collection, contents.Dataset,
                $"import {import.Id} ({import.Format}): {import.Imported} messages imported, {import.Rejected} rejected, {import.Duplicates} duplicates, lines 1–{import.CommittedLines}"),
                cancellationToken);
            if (!contents.FullTextIndexed)
            {
                owner.indexer.Request(contents.Key);
            }

            return import;
        }

        public async Task InterruptAsync()
        {
            try
            {
                chunk.Dispose();
                if (parsing is not null)
                {
                    await parsing.AbandonAsync();
                    await writer!.AbandonAsync();
                }

                owner.db.ChangeTracker.Clear();
                var stored = await owner.db.Set<InterceptImport>().FirstAsync(i => i.Key == import.Key, CancellationToken.None);
                if (stored.State != ImportState.Running)
                {
                    return; // rolled back meanwhile
                }

                stored.State = ImportState.Interrupted;
                if (stored.CommittedBytes == 0)
                {
                    // Nothing was taken in (a refused header, a stream cut at once): nothing to resume.
                    stored.State = ImportState.RolledBack;
                    stored.EndTime = owner.clock.GetUtcNow();
                    var held = await owner.db.Set<DatasetContents>().FirstAsync(c => c.Key == contents.Key, CancellationToken.None);
                    held.ActiveImport = null;
                }

                await owner.log.SaveWithEntryAsync(owner.db, new ProcessingEvent(ProcessingAction.Collection, contents.Dataset,
                    $"import {import.Id} ({import.Format}) interrupted after line {stored.CommittedLines}: {stored.Imported} messages imported, {stored.Rejected} rejected, {stored.Duplicates} duplicates"),
                    CancellationToken.None);
                import.State = ImportState.Interrupted;
            }
            catch (Exception)
            {
                // The import stays "running" in the database: resuming or rolling back it still works.
            }
        }

        private async Task EndLineAsync()
        {
            line++;
            chunk.EndLine(tooLong: skippingLongLine);
            skippingLongLine = false;
            // Rejected lines count too: a file of nothing but bad lines still commits its progress, in bounded memory.
            if (chunk.Lines >= owner.limits.BatchRows || chunk.Length >= MaxChunkBytes)
            {
                await HandOverAsync();
            }
        }

        /// <summary>Hands the chunk to the parsing loop (waiting while one already waits) and starts the next.</summary>
        private async Task HandOverAsync()
        {
            writer ??= new BatchStage<Batch>(CommitAsync, cancellationToken);
            parsing ??= new BatchStage<LineChunk>(ParseAsync, cancellationToken);
            var cut = chunk;
            chunk = new LineChunk(line + 1);
            try
            {
                await parsing.AddAsync(cut, cancellationToken);
            }
            catch (Exception)
            {
                cut.Dispose(); // never taken
                throw;
            }
        }

        /// <summary>The chunk being cut, not handed over (its memory back to the pool).</summary>
        public void Dispose() => chunk.Dispose();

        /// <summary>A chunk's lines as a batch of rows and rejections, handed to the writer (on the parsing loop).</summary>
        private async Task ParseAsync(LineChunk lines)
        {
            var rows = store.NewBatch(contents.Key, import.Key);
            var reasons = new List<(long Line, string Reason)>();
            var rejected = 0;
            void Reject(long number, string reason)
            {
                rejected++;
                if (reasons.Count < MaxKeptRejections)
                {
                    reasons.Add((number, reason));
                }
            }

            try
            {
                using (lines)
                {
                    var text = lines.Text;
                    var longLine = 0; // the next of the chunk's long lines, in order
                    for (var number = lines.FirstLine; text.Length > 0; number++)
                    {
                        var end = text.IndexOf((byte)'\n');
                        var current = text[..end];
                        text = text[(end + 1)..];
                        if (lines.LongLines is { } skipped && longLine < skipped.Count && skipped[longLine] == number)
                        {
                            longLine++;
                            Reject(number, $"longer than {owner.limits.MaxLineBytes} bytes");
                            continue;
                        }

                        if (current.EndsWith("\r"u8))
                        {
                            current = current[..^1];
                        }

                        if (current.Trim(" \t"u8).Length == 0)
                        {
                            continue;
                        }

                        if (parser is null)
                        {
                            parser = CsvParser(current, number);
                        }
                        else if (parser.Parse(current, out var reason) is { } row)
                        {
                            row.Sequence = nextSequence++;
                            rows.Add(row);
                        }
                        else
                        {
                            Reject(number, reason!);
                        }
                    }

                    await writer!.AddAsync(new Batch(rows, rejected, reasons, lines.Bytes, lines.FirstLine + lines.Lines - 1, nextSequence), cancellationToken);
                }
            }
            catch (Exception)
            {
                rows.Dispose();
                throw;
            }
        }

        /// <summary>A CSV file's first line is its header.</summary>
        private MessageLineParser CsvParser(ReadOnlySpan<byte> text, long number)
        {
            var header = Encoding.UTF8.GetString(text);
            var (csv, problem) = MessageLineParser.Csv(header);
            if (csv is null || header.Length > 4000)
            {
                throw FieldErrors.Invalid("data", $"line {number}: {problem ?? "the header line is longer than 4000 characters"}.");
            }

            import.CsvHeader = header;
            return csv;
        }

        /// <summary>The batch's rows and the import's progress, in one transaction (on the writer loop).</summary>
        private async Task CommitAsync(Batch next)
        {
            var db = owner.db;
            using var rows = next.Rows;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var written = rows.Count == 0 ? 0 : await store.WriteAsync(rows, contents.Indexed, cancellationToken);
            contents.NextSequence = next.NextSequence;
            import.Imported += written;
            import.Duplicates += rows.Count - written;
            import.Rejected += next.Rejected;
            import.CommittedBytes += next.Bytes;
            import.CommittedLines = next.LastLine;
            var kept = import.Rejections.Length == 0 ? 0 : import.Rejections.Count(c => c == '\n');
            foreach (var (number, reason) in next.Reasons.Take(Math.Max(0, MaxKeptRejections - kept)))
            {
                import.Rejections += $"{number}\t{reason}\n";
            }

            contents.MessageCount += written;
            contents.UpdateTime = owner.clock.GetUtcNow();
            // Each commit moves the dataset's version: a second writer (a resume of a live import,
            // another instance) conflicts at its next commit instead of interleaving sequences.
            contents.Version++;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {Import}: {Rows} rows loaded in {Load:N1} s, indexes built in {Indexes:N1} s")]
    private static partial void LogLoaded(ILogger logger, string import, long rows, double load, double indexes);
}
