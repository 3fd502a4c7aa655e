using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Argus.Agency.Callers;
using Argus.Agency.Intercepts.Messages;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Intercepts.V1;

namespace Argus.Agency.Intercepts;

/// <summary>Import, search and transfer of the messages of intercept datasets.</summary>
internal sealed class InterceptGrpcService(AgencyDbContext db, DatasetContentsBook book, MessageImport import, DatasetPull pull, RecordAccess access,
    RequestProcessingLog log, TimeProvider clock) : Proto.InterceptService.InterceptServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    [Authorize(ArgusScopes.InterceptsWrite)]
    public override async Task<Proto.ImportMessagesResponse> ImportMessages(IAsyncStreamReader<Proto.ImportMessagesRequest> requestStream, ServerCallContext context) =>
        new() { Import = InterceptMapping.ToProto(await import.RunAsync(requestStream, () => context.WriteResponseHeadersAsync([]), context.CancellationToken)) };

    [Authorize(ArgusScopes.InterceptsRead)]
    public override async Task<Proto.GetImportResponse> GetImport(Proto.GetImportRequest request, ServerCallContext context) =>
        new() { Import = InterceptMapping.ToProto(await FindImportAsync(request.Name, context.CancellationToken)) };

    /// <summary>Removes what an unfinished import added; the dataset is whole again (as it was before the import).</summary>
    [Authorize(ArgusScopes.InterceptsWrite)]
    public override async Task<Proto.RollBackImportResponse> RollBackImport(Proto.RollBackImportRequest request, ServerCallContext context)
    {
        var found = await FindImportAsync(request.Name, context.CancellationToken);
        if (found.State is not (ImportState.Interrupted or ImportState.Running))
        {
            throw new PreconditionFailedException($"{Input.Shorten(request.Name)} is {found.State.ToString().ToLowerInvariant()}: only an unfinished import is rolled back.");
        }

        var tracked = await db.Set<InterceptImport>().FirstAsync(i => i.Key == found.Key, context.CancellationToken);
        var contents = await db.Set<DatasetContents>().FirstAsync(c => c.Key == tracked.DatasetKey, context.CancellationToken);
        if (tracked.State == ImportState.Running && !MessageImport.Abandoned(contents, clock))
        {
            throw new PreconditionFailedException($"{Input.Shorten(request.Name)} is running; roll it back once it is interrupted.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(context.CancellationToken);
        var store = MessageStore.For(db);
        var removed = await store.DeleteImportAsync(contents.Key, tracked.Key, context.CancellationToken);
        if (!contents.Indexed)
        {
            await store.LoadEndedAsync(contents.Key, context.CancellationToken); // its dead rows are the database's to vacuum
        }

        contents.MessageCount -= removed;
        contents.ActiveImport = null;
        contents.Version++;
        tracked.State = ImportState.RolledBack;
        tracked.EndTime = clock.GetUtcNow();
        try
        {
            await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Erasure, tracked.Dataset,
                $"import {tracked.Id} rolled back: {removed} messages removed"), context.CancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new PreconditionFailedException($"{Input.Shorten(request.Name)} committed meanwhile (it is still running); roll it back once it is interrupted.");
        }

        await transaction.CommitAsync(context.CancellationToken);
        return new() { Import = InterceptMapping.ToProto(tracked) };
    }

    [Authorize(ArgusScopes.InterceptsRead)]
    public override async Task<Proto.GetDatasetContentsResponse> GetDatasetContents(Proto.GetDatasetContentsRequest request, ServerCallContext context)
    {
        var contents = await book.ReadableAsync(request.Dataset, "dataset", context.CancellationToken);
        var response = new Proto.GetDatasetContentsResponse { Dataset = request.Dataset, Complete = true };
        if (contents is null)
        {
            return response;
        }

        response.Foreign = contents.Foreign;
        response.MessageCount = contents.MessageCount;
        response.Complete = contents.ActiveImport is null;
        response.FullTextIndexed = contents.FullTextIndexed;
        response.SharedSubset = contents.Foreign && !contents.SharedSubset.IsWhole ? InterceptDatasetMapping.ToProto(contents.SharedSubset) : null;
        var imports = await db.Set<InterceptImport>().AsNoTracking().Where(i => i.DatasetKey == contents.Key).OrderBy(i => i.Key).Take(100).ToListAsync(context.CancellationToken);
        response.Imports.AddRange(imports.Select(InterceptMapping.ToProto));
        return response;
    }

    /// <summary>One page; the consultation (dataset and criteria, not the messages) is logged before it is answered.</summary>
    [Authorize(ArgusScopes.InterceptsRead)]
    public override async Task<Proto.SearchMessagesResponse> SearchMessages(Proto.SearchMessagesRequest request, ServerCallContext context)
    {
        access.RequireJustifiedRead();
        var errors = new FieldErrors();
        string? handle = null, counterpart = null;
        if (request.Handle.Length > 0)
        {
            handle = Handles.Normalize(request.Handle) ?? Invalid(errors, "handle");
        }

        if (request.Counterpart.Length > 0)
        {
            counterpart = Handles.Normalize(request.Counterpart) ?? Invalid(errors, "counterpart");
            errors.Check(request.Handle.Length > 0, "counterpart", "needs handle: a conversation is between two handles.");
        }

        var from = Input.OptionalTime(request.StartTime, "start_time", errors);
        var until = Input.OptionalTime(request.EndTime, "end_time", errors);
        errors.Check(from is null || until is null || from < until, "end_time", "must be after start_time.");
        var text = request.Text.Trim();
        errors.Check(text.Length <= 500 && !MessageLineParser.HasNul(text), "text", "must be at most 500 characters, without NUL.");
        errors.Check(request.Order is Proto.SortOrder.Unspecified or Proto.SortOrder.NewestFirst or Proto.SortOrder.OldestFirst, "order", "has an unknown value.");
        errors.Check(request.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be between 1 and {MaxPageSize} (0 for {DefaultPageSize}).");
        errors.ThrowIfAny();

        var newestFirst = request.Order != Proto.SortOrder.OldestFirst;
        var criteria = Criteria(handle, counterpart, from, until, text, newestFirst);
        var after = request.PageToken.Length > 0 ? DecodeToken(request.PageToken, criteria) : ((DateTimeOffset, long)?)null;
        var contents = await book.ReadableAsync(request.Dataset, "dataset", context.CancellationToken);
        await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Consultation, request.Dataset, $"messages searched: {criteria}{(after is null ? "" : " (next page)")}"));

        var response = new Proto.SearchMessagesResponse();
        if (contents is null)
        {
            return response;
        }

        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var query = new MessageQuery(handle, counterpart, from, until, text.Length > 0 ? text : null, newestFirst, after);
        var rows = await MessageStore.For(db).SearchAsync(contents.Key, query, size + 1, context.CancellationToken);
        response.Messages.AddRange(rows.Take(size).Select(InterceptMapping.ToProto));
        if (rows.Count > size)
        {
            var last = rows[size - 1];
            response.NextPageToken = EncodeToken(last.SentTime, last.Sequence, criteria);
        }

        return response;
    }

    [Authorize(ArgusScopes.InterceptsRead)]
    public override async Task<Proto.GetContactGraphResponse> GetContactGraph(Proto.GetContactGraphRequest request, ServerCallContext context)
    {
        access.RequireJustifiedRead();
        var errors = new FieldErrors();
        var handle = Handles.Normalize(request.Handle) ?? Invalid(errors, "handle");
        errors.Check(request.Limit is >= 0 and <= MaxPageSize, "limit", $"must be between 1 and {MaxPageSize} (0 for {DefaultPageSize}).");
        errors.ThrowIfAny();
        var contents = await book.ReadableAsync(request.Dataset, "dataset", context.CancellationToken);
        await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Consultation, request.Dataset, $"contact graph of handle {handle}"));
        var response = new Proto.GetContactGraphResponse();
        if (contents is null)
        {
            return response;
        }

        var contacts = await MessageStore.For(db).ContactsAsync(contents.Key, handle!, request.Limit == 0 ? DefaultPageSize : request.Limit, context.CancellationToken);
        response.Contacts.AddRange(contacts.Select(c => new Proto.Contact
        {
            Handle = c.Handle, Sent = c.Sent, Received = c.Received, FirstTime = CommonMapping.ToProto(c.FirstTime), LastTime = CommonMapping.ToProto(c.LastTime),
        }));
        return response;
    }

    [Authorize(ArgusScopes.InterceptsWrite)]
    public override Task PullDataset(Proto.PullDatasetRequest request, IServerStreamWriter<Proto.PullDatasetResponse> responseStream, ServerCallContext context) =>
        pull.PullAsync(request.Dataset, responseStream, context.CancellationToken);

    [Authorize(ArgusScopes.InterceptsRead), OpenToPartners]
    public override Task StreamSharedMessages(Proto.StreamSharedMessagesRequest request, IServerStreamWriter<Proto.StreamSharedMessagesResponse> responseStream,
        ServerCallContext context) =>
        pull.StreamSharedAsync(request, responseStream, context.CancellationToken);

    private async Task<InterceptImport> FindImportAsync(string name, CancellationToken cancellationToken)
    {
        var marker = "/" + InterceptImport.Collection + "/";
        var at = name.LastIndexOf(marker, StringComparison.Ordinal);
        if (at <= 0)
        {
            throw FieldErrors.Invalid("name", "must be \"operations/{operation}/interceptDatasets/{dataset}/imports/{import}\".");
        }

        var (_, contents) = await book.OwnAsync(name[..at], "name", create: false, cancellationToken);
        var id = name[(at + marker.Length)..];
        return (contents is null ? null : await db.Set<InterceptImport>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id && i.DatasetKey == contents.Key, cancellationToken))
            ?? throw new ResourceNotFoundException(name);
    }

    private static string? Invalid(FieldErrors errors, string field)
    {
        errors.Add(field, $"must be a handle of 1 to {Handles.MaxLength} characters without control characters.");
        return null;
    }

    /// <summary>The criteria as the log records them and a page token is bound to.</summary>
    private static string Criteria(string? handle, string? counterpart, DateTimeOffset? from, DateTimeOffset? until, string text, bool newestFirst) =>
        string.Join(", ", new[]
        {
            handle is null ? null : counterpart is null ? $"handle {handle}" : $"conversation {handle} – {counterpart}",
            from is { } f ? $"from {f:yyyy-MM-ddTHH:mm:ss.ffffffZ}" : null,
            until is { } u ? $"until {u:yyyy-MM-ddTHH:mm:ss.ffffffZ}" : null,
            text.Length > 0 ? $"text \"{text}\"" : null,
            newestFirst ? "newest first" : "oldest first",
        }.OfType<string>());

    private static string EncodeToken(DateTimeOffset time, long sequence, string criteria) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{time.UtcTicks}|{sequence}|{Fingerprint(criteria)}")));

    private static (DateTimeOffset, long) DecodeToken(string token, string criteria)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
            if (parts.Length == 3 && parts[2] == Fingerprint(criteria)
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), sequence);
            }
        }
        catch (FormatException)
        {
        }

        throw FieldErrors.Invalid("page_token", "is not a token this search returned for the same criteria.");
    }

    private static string Fingerprint(string criteria) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(criteria)), 0, 8);
}
