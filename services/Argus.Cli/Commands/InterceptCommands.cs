using System.CommandLine;
using System.Globalization;
using Argus.Cli.Intercepts;
using Argus.Client;
using Argus.Client.Intercepts;
using Argus.Client.Security;
using Argus.Intercepts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Argus.Cli;

/// <summary>
/// argus intercepts import|rollback|status|search|contacts|pull: an investigator's work with
/// intercepted-message datasets at an agency service, with the credentials of the investigator's
/// own client (--credentials).
/// </summary>
internal static class InterceptCommands
{
    public static Command Build(Func<ParseResult, AdminConnection> connection, TextWriter stdout, TextWriter stderr, Option<bool> json)
    {
        var agency = new Option<string>("--agency") { Description = "The agency service, e.g. https://127.0.0.1:5101.", Required = true };
        var code = new Option<string>("--agency-code") { Description = "nl or be: the agency of that service (the token's audience).", Required = true };
        code.AcceptOnlyFromAmong("nl", "be");
        var dataset = new Option<string>("--dataset") { Description = "The dataset: operations/{operation}/interceptDatasets/{dataset} (its name at its owner).", Required = true };
        var justification = new Option<string?>("--justification") { Description = "Why (Directive 2016/680 Art. 25): logged with every search." };

        var file = new Argument<FileInfo>("FILE") { Description = "NDJSON (.ndjson, .jsonl) or CSV (.csv), gzip-compressed (.gz) or not." };
        var format = new Option<string?>("--format") { Description = "ndjson or csv; by default from the file's name." };
        format.AcceptOnlyFromAmong("ndjson", "csv");
        var resume = new Option<string?>("--resume") { Description = "Resume this interrupted import ({dataset}/imports/{import}) from what the service committed." };
        var import = new Command("import", "Import a file of messages into a dataset, with a progress bar; prints imported, rejected (by line) and duplicate counts.")
            { file, agency, code, dataset, format, resume };
        import.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException(ExitCodes.Usage, $"{path.FullName} does not exist.");
            }

            var kind = result.GetValue(format) switch
            {
                "ndjson" => ImportFormat.Ndjson,
                "csv" => ImportFormat.Csv,
                _ => InterceptTransfer.FormatOf(path.Name) ?? throw new CliException(ExitCodes.Usage, $"Cannot tell the format of {path.Name}: give --format ndjson or csv."),
            };
            await using var content = InterceptTransfer.OpenContent(path.FullName);
            using var progress = new RowProgress(stderr, "sent", path.Length, "bytes of the file");
            Import done;
            try
            {
                // Progress by the file's position (compressed or not), rows by the lines sent.
                done = await InterceptTransfer.ImportAsync(client, result.GetValue(dataset)!, content, kind, result.GetValue(resume),
                    new Progress(p => progress.Report(p.Lines, Position(content, p.Bytes))), cancellationToken: cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.Unavailable or StatusCode.Cancelled)
            {
                var contents = await client.Intercepts.GetDatasetContentsAsync(new() { Dataset = result.GetValue(dataset)! }, cancellationToken: CancellationToken.None);
                var interrupted = contents.Imports.LastOrDefault(i => i.State is ImportState.Interrupted or ImportState.Running);
                throw new CliException(ExitCodes.Refused, interrupted is null
                    ? e.Status.Detail
                    : $"{e.Status.Detail} Resume with --resume {interrupted.Name} (it committed {interrupted.CommittedLines:N0} lines), or undo it with argus intercepts rollback --import {interrupted.Name}.");
            }

            progress.Finish();
            await stdout.WriteLineAsync($"{done.Name}: {done.Imported:N0} imported, {done.Rejected:N0} rejected, {done.Duplicates:N0} duplicates ({done.CommittedLines:N0} lines).");
            foreach (var rejected in done.Rejections)
            {
                await stdout.WriteLineAsync($"  line {rejected.Line}: {rejected.Reason}");
            }

            if (done.Rejected > done.Rejections.Count)
            {
                await stdout.WriteLineAsync($"  … and {done.Rejected - done.Rejections.Count:N0} more rejected lines.");
            }

            return ExitCodes.Ok;
        }));

        var importName = new Option<string>("--import") { Description = "The import: {dataset}/imports/{import}.", Required = true };
        var rollback = new Command("rollback", "Remove every message an interrupted import added.") { agency, code, importName };
        rollback.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var undone = (await client.Intercepts.RollBackImportAsync(new() { Name = result.GetValue(importName)! }, cancellationToken: cancellationToken)).Import;
            await stdout.WriteLineAsync($"{undone.Name} rolled back.");
            return ExitCodes.Ok;
        }));

        var status = new Command("status", "What the service holds of a dataset: counts, whether it is complete, its imports.") { agency, code, dataset };
        status.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var contents = await client.Intercepts.GetDatasetContentsAsync(new() { Dataset = result.GetValue(dataset)! }, cancellationToken: cancellationToken);
            if (result.GetValue(json))
            {
                await stdout.WriteLineAsync(Google.Protobuf.JsonFormatter.Default.Format(contents));
                return ExitCodes.Ok;
            }

            await stdout.WriteLineAsync($"{contents.Dataset}{(contents.Foreign ? " (a partner's, copied here)" : "")}: {contents.MessageCount:N0} messages, "
                + (contents.Complete ? "complete" : "HALF-IMPORTED (an import is unfinished)") + (contents.FullTextIndexed ? ", full text indexed" : ""));
            foreach (var i in contents.Imports)
            {
                await stdout.WriteLineAsync($"  {i.Name}  {i.State}  {i.Imported:N0} imported, {i.Rejected:N0} rejected, {i.Duplicates:N0} duplicates, {i.CommittedLines:N0} lines");
            }

            return ExitCodes.Ok;
        }));

        var handle = new Option<string?>("--handle") { Description = "Messages this handle sent or received." };
        var counterpart = new Option<string?>("--counterpart") { Description = "With --handle: the conversation between the two." };
        var from = new Option<string?>("--from") { Description = "Sent at or after (RFC 3339, e.g. 2021-02-01T00:00:00Z)." };
        var until = new Option<string?>("--until") { Description = "Sent before (RFC 3339)." };
        var text = new Option<string?>("--text") { Description = "Words that must all occur in the decrypted text." };
        var oldest = new Option<bool>("--oldest-first") { Description = "Oldest first (newest first by default)." };
        var limit = new Option<int>("--limit") { Description = "At most this many messages (all pages).", DefaultValueFactory = _ => 100 };
        var search = new Command("search", "Search a dataset's messages; each page is one logged consultation.") { agency, code, dataset, handle, counterpart, from, until, text, oldest, limit, justification };
        search.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var request = new SearchMessagesRequest
            {
                Dataset = result.GetValue(dataset)!, Handle = result.GetValue(handle) ?? "", Counterpart = result.GetValue(counterpart) ?? "",
                StartTime = Time(result.GetValue(from), "--from"), EndTime = Time(result.GetValue(until), "--until"), Text = result.GetValue(text) ?? "",
                Order = result.GetValue(oldest) ? SortOrder.OldestFirst : SortOrder.NewestFirst, PageSize = Math.Clamp(result.GetValue(limit), 1, 1000),
            };
            var shown = 0;
            await stdout.WriteLineAsync("SENT (UTC)           FROM              TO                TEXT");
            do
            {
                var page = await client.Intercepts.SearchMessagesAsync(request, Headers(result), cancellationToken: cancellationToken);
                foreach (var m in page.Messages.Take(result.GetValue(limit) - shown))
                {
                    var body = m.Decrypted ? m.Text.ReplaceLineEndings(" ") : "(not decrypted)";
                    await stdout.WriteLineAsync($"{m.SentTime.ToDateTime():yyyy-MM-dd HH:mm:ss}  {m.Sender,-16}  {m.Recipient,-16}  {(body.Length > 80 ? body[..80] + "…" : body)}");
                    shown++;
                }

                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0 && shown < result.GetValue(limit));
            await stdout.WriteLineAsync($"{shown} messages.");
            return ExitCodes.Ok;
        }));

        var contactHandle = new Option<string>("--handle") { Description = "The handle whose contacts to list.", Required = true };
        var contacts = new Command("contacts", "A handle's contact graph: who it exchanged messages with, how often, first and last.") { agency, code, dataset, contactHandle, justification };
        contacts.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var graph = await client.Intercepts.GetContactGraphAsync(new() { Dataset = result.GetValue(dataset)!, Handle = result.GetValue(contactHandle)! }, Headers(result),
                cancellationToken: cancellationToken);
            await stdout.WriteLineAsync("HANDLE            SENT  RECEIVED  FIRST (UTC)          LAST (UTC)");
            foreach (var c in graph.Contacts)
            {
                await stdout.WriteLineAsync($"{c.Handle,-16}  {c.Sent,4}  {c.Received,8}  {c.FirstTime.ToDateTime():yyyy-MM-dd HH:mm:ss}  {c.LastTime.ToDateTime():yyyy-MM-dd HH:mm:ss}");
            }

            return ExitCodes.Ok;
        }));

        var owner = new Option<string>("--from") { Description = "nl or be: the partner that shared the dataset.", Required = true };
        owner.AcceptOnlyFromAmong("nl", "be");
        var pull = new Command("pull", "Have this agency's service pull the part of a partner's dataset shared with it, with a progress bar; a cut pull resumes.")
            { agency, code, owner, dataset, justification };
        pull.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            if (string.Equals(result.GetValue(owner), result.GetValue(code), StringComparison.Ordinal))
            {
                throw new CliException(ExitCodes.Usage, "--from is the partner that shared the dataset; --agency is this agency's own service, which pulls it.");
            }

            using var progress = new RowProgress(stderr, "pulled", 0, "rows");
            using var stream = client.Intercepts.PullDataset(new() { Dataset = result.GetValue(dataset)! }, Headers(result), cancellationToken: cancellationToken);
            PullDatasetResponse last = new();
            await foreach (var step in stream.ResponseStream.ReadAllAsync(cancellationToken))
            {
                last = step;
                progress.Report(step.Received, step.Received, step.Offered);
            }

            progress.Finish();
            await stdout.WriteLineAsync($"Pulled {last.Received:N0} messages of {result.GetValue(dataset)} from {result.GetValue(owner)} ({last.Offered:N0} offered).");
            return ExitCodes.Ok;
        }));

        var intercepts = new Command("intercepts", "Intercepted-message datasets: import, search, contacts, pull a partner's shared part.");
        foreach (var command in new[] { import, rollback, status, search, contacts, pull })
        {
            intercepts.Subcommands.Add(command);
        }

        return intercepts;

        Task<int> RunAsync(ParseResult result, Func<AgencyClient, Task<int>> action) => ArgusCli.GuardAsync(stderr, async () =>
        {
            var (_, credentials) = connection(result).Load();
            using var tokens = new AccessTokenSource(credentials);
            using var client = AgencyClient.For(new Uri(result.GetValue(agency)!), result.GetValue(code)!, tokens, credentials);
            return await action(client);
        });

        Metadata? Headers(ParseResult result) => result.GetValue(justification) is { Length: > 0 } why ? Justification.Of(why) : null;
    }

    private static long Position(Stream content, long sent) =>
        content is System.IO.Compression.GZipStream { BaseStream: FileStream file } ? file.Position : sent;

    private static Timestamp? Time(string? value, string option) =>
        value is null ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? Timestamp.FromDateTimeOffset(time)
        : throw new CliException(ExitCodes.Usage, $"{option} {value} is not a time (RFC 3339, e.g. 2021-02-01T00:00:00Z).");

    private sealed class Progress(Action<(long Bytes, long Lines)> report) : IProgress<(long Bytes, long Lines)>
    {
        public void Report((long Bytes, long Lines) value) => report(value);
    }
}
