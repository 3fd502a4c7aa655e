using System.CommandLine;
using Argus.Cli.Evidence;
using Argus.Client;
using Argus.Client.Evidence;
using Argus.Client.Security;
using Argus.Evidence.V1;
using Grpc.Core;
using ProtoAgency = Argus.Common.V1.AgencyCode;

namespace Argus.Cli;

/// <summary>
/// argus evidence upload|download|custody|verify|handover|acknowledge|export: an investigator's
/// evidence work at an agency service, with the credentials of the investigator's own client
/// (--credentials: a file with clientId, certificatePath and keyPath, or clientSecret).
/// </summary>
internal static class EvidenceCommands
{
    public static Command Build(Func<ParseResult, AdminConnection> connection, TextWriter stdout, TextWriter stderr, Option<bool> json)
    {
        var agency = new Option<string>("--agency") { Description = "The agency service, e.g. https://127.0.0.1:5101.", Required = true };
        var code = new Option<string>("--agency-code") { Description = "nl or be: the agency of that service (the token's audience).", Required = true };
        code.AcceptOnlyFromAmong("nl", "be");
        var item = new Option<string>("--item") { Description = "The evidence item: operations/{operation}/evidenceItems/{item}.", Required = true };
        var owner = new Option<string?>("--owner") { Description = "nl or be: the item's owner, when it is a partner's item this agency holds (acknowledge, examine, hand back)." };
        owner.AcceptOnlyFromAmong("nl", "be");
        var justification = new Option<string?>("--justification") { Description = "Why (Directive 2016/680 Art. 25): required when reading a partner's records." };
        var officer = new Option<string?>("--officer") { Description = "The officer, e.g. \"brigadier J. de Vries\"." };
        var seal = new Option<string?>("--seal") { Description = "The seal number on the exhibit's bag." };
        var location = new Option<string?>("--storage-location") { Description = "Where the item is kept now." };

        var file = new Argument<FileInfo>("FILE") { Description = "The content to upload, e.g. a phone extraction." };
        var mediaType = new Option<string?>("--media-type") { Description = "Default: from the file's extension (.zip application/zip, …), else application/octet-stream." };
        var upload = new Command("upload", "Upload an item's content with a progress bar; run it again after an interruption and it resumes.")
            { file, agency, code, item, mediaType, justification };
        upload.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException(ExitCodes.Usage, $"{path.FullName} does not exist.");
            }

            await using var content = path.OpenRead();
            using var progress = new TransferProgress(stderr, "uploaded", content.Length);
            var done = await EvidenceTransfer.UploadAsync(client, result.GetValue(item)!, content, result.GetValue(mediaType) ?? MediaTypes.Of(path.Name), path.Name,
                progress, Headers(result), cancellationToken: cancellationToken);
            progress.Finish();
            await stdout.WriteLineAsync($"Uploaded {path.Name}: {done.SizeBytes:N0} bytes, sha256 {done.Sha256}, checked by the service and attached to {result.GetValue(item)}.");
            return ExitCodes.Ok;
        }));

        var output = new Option<FileInfo>("--out") { Description = "Where to write the content; an existing shorter file is resumed.", Required = true };
        var download = new Command("download", "Download an item's content (resuming a partial file) and check its hash.") { agency, code, item, output, owner, justification };
        download.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var target = result.GetValue(output)!;
            var written = await DownloadAsync(client, result.GetValue(item)!, target.FullName, Owner(result), Headers(result), stderr, cancellationToken);
            await stdout.WriteLineAsync(Owner(result) == ProtoAgency.Unspecified
                ? $"Downloaded {written.Size:N0} bytes to {target.FullName}; sha256 {written.Sha256} matches the item's."
                : $"Downloaded {written.Size:N0} bytes to {target.FullName} from this agency's verified copy; sha256 {written.Sha256}.");
            return ExitCodes.Ok;
        }));

        var custody = new Command("custody", "The item's chain of custody as a table (or --json), checked here hash by hash.") { agency, code, item, justification };
        custody.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var history = await client.Custody.ListCustodyEventsAsync(new() { Parent = result.GetValue(item)! }, Headers(result), cancellationToken: cancellationToken);
            if (result.GetValue(json))
            {
                await stdout.WriteLineAsync(Google.Protobuf.JsonFormatter.Default.Format(history));
            }
            else
            {
                await stdout.WriteLineAsync("#   TIME (UTC)           ACTION                 BY                                WHERE / TO / TOOL");
                foreach (var e in history.CustodyEvents)
                {
                    var by = e.ActingClientId.Length > 0 ? $"{e.ActingClientId} ({e.Agency.ToString().ToUpperInvariant()})" : $"{e.ClientId} ({e.Agency.ToString().ToUpperInvariant()})";
                    var what = e.Action switch
                    {
                        CustodyAction.HandedOver => $"to {e.ToCustodian}: {e.Purpose} [{e.Authorisation}]",
                        CustodyAction.HandoverAcknowledged => $"received; {e.StorageLocation}",
                        CustodyAction.Examined => $"{e.Tool} {e.ToolVersion}: {e.Result}",
                        CustodyAction.IntegrityCompromised or CustodyAction.ContentAcquired => e.Result,
                        _ => e.StorageLocation,
                    };
                    await stdout.WriteLineAsync($"{e.Index,-3} {e.Time.ToDateTime():yyyy-MM-dd HH:mm:ss}  {CustodyExport.ActionName(e.Action),-21}  {by,-32}  {what}");
                }

                await stdout.WriteLineAsync($"Custodian: {history.Custodian}{(history.PendingHandover.Length > 0 ? $"; awaiting acknowledgement of {history.PendingHandover}" : "")}");
            }

            return ChainExit(history.CustodyEvents, stderr);
        }));

        var verify = new Command("verify", "Have the service re-hash the stored content (a mismatch marks the item compromised, exit 6) and check the custody chain here.")
            { agency, code, item };
        verify.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var verified = await client.Custody.VerifyEvidenceIntegrityAsync(new() { Parent = result.GetValue(item)! }, cancellationToken: cancellationToken);
            var history = await client.Custody.ListCustodyEventsAsync(new() { Parent = result.GetValue(item)! }, cancellationToken: cancellationToken);
            if (!verified.Intact)
            {
                await stderr.WriteLineAsync($"argus: the content of {result.GetValue(item)} is COMPROMISED: it hashes to {verified.ComputedSha256}; recorded as custody event {verified.CustodyEvent.Index}.");
                return ExitCodes.ChainBroken;
            }

            await stdout.WriteLineAsync($"The content is intact (sha256 {verified.ComputedSha256}), recorded as custody event {verified.CustodyEvent.Index}; the history chains over {history.CustodyEvents.Count} events.");
            return ChainExit(history.CustodyEvents, stderr);
        }));

        var to = new Option<string>("--to") { Description = "The receiver: agencies/be (any client of that agency) or agencies/nl/clients/{client_id}.", Required = true };
        var purpose = new Option<string>("--purpose") { Description = "Why it is handed over.", Required = true };
        var authorisation = new Option<string>("--authorisation") { Description = "The warrant or court order it rests on.", Required = true };
        var handover = new Command("handover", "Hand the item to a receiver (you must be its custodian); complete when the receiver acknowledges.")
            { agency, code, item, to, purpose, authorisation, officer, seal, owner };
        handover.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var e = (await client.Custody.HandOverEvidenceAsync(new HandOverEvidenceRequest
            {
                Parent = result.GetValue(item)!, Receiver = result.GetValue(to)!, Purpose = result.GetValue(purpose)!, Authorisation = result.GetValue(authorisation)!,
                Officer = result.GetValue(officer) ?? "", SealNumber = result.GetValue(seal) ?? "", OwnerAgency = Owner(result),
            }, cancellationToken: cancellationToken)).CustodyEvent;
            await stdout.WriteLineAsync($"Handed over to {e.ToCustodian}: {e.Name}. It is in transit until the receiver acknowledges it.");
            return ExitCodes.Ok;
        }));

        var handoverName = new Option<string>("--handover") { Description = "The handover event: operations/…/evidenceItems/…/custodyEvents/{index}.", Required = true };
        var acknowledge = new Command("acknowledge", "Acknowledge a handover to you (a partner's item: --owner; its content is fetched and verified first).")
            { agency, code, handoverName, owner, officer, location, seal };
        acknowledge.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var response = await client.Custody.AcknowledgeHandoverAsync(new AcknowledgeHandoverRequest
            {
                Handover = result.GetValue(handoverName)!, OwnerAgency = Owner(result), Officer = result.GetValue(officer) ?? "",
                StorageLocation = result.GetValue(location) ?? "", SealNumber = result.GetValue(seal) ?? "",
            }, cancellationToken: cancellationToken);
            await stdout.WriteLineAsync($"Acknowledged: {response.CustodyEvent.ToCustodian} holds it now"
                + (response.VerifiedSha256.Length > 0 ? $"; its content was fetched and verified (sha256 {response.VerifiedSha256})." : "."));
            return ExitCodes.Ok;
        }));

        var items = new Option<string[]>("--items") { Description = "More items to include.", AllowMultipleArgumentsPerToken = true };
        var operation = new Option<string?>("--operation") { Description = "Export every item of this operation (operations/{operation}) instead of --item." };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "The folder to write the package to (created).", Required = true };
        var itemOptional = new Option<string?>("--item") { Description = "The evidence item: operations/{operation}/evidenceItems/{item}." };
        var export = new Command("export", "Write a court package: custody as CASE/UCO JSON-LD, a readable report, the content, and a manifest for `sha256sum -c`.")
            { agency, code, itemOptional, items, operation, outDir, justification };
        export.SetAction((result, cancellationToken) => RunAsync(result, async client =>
        {
            var names = new List<string>();
            if (result.GetValue(itemOptional) is { } single)
            {
                names.Add(single);
            }

            names.AddRange(result.GetValue(items) ?? []);
            if (result.GetValue(operation) is { } parent)
            {
                var token = "";
                do
                {
                    var page = await client.Evidence.ListEvidenceItemsAsync(new() { Parent = parent, PageSize = 1000, PageToken = token }, Headers(result), cancellationToken: cancellationToken);
                    names.AddRange(page.EvidenceItems.Select(i => i.Name));
                    token = page.NextPageToken;
                }
                while (token.Length > 0);
            }

            if (names.Count == 0)
            {
                throw new CliException(ExitCodes.Usage, "Name what to export: --item, --items or --operation.");
            }

            var package = await CustodyExport.WriteAsync(client, names.Distinct().ToList(), result.GetValue(outDir)!.FullName, Headers(result), stderr, cancellationToken);
            await stdout.WriteLineAsync($"Wrote {package.Files} files for {names.Count} item(s) to {result.GetValue(outDir)!.FullName}; check with: (cd {result.GetValue(outDir)!.FullName} && sha256sum -c manifest.sha256)");
            return package.ChainsIntact ? ExitCodes.Ok : ExitCodes.ChainBroken;
        }));

        var evidence = new Command("evidence", "Evidence content and chain of custody, as an investigator's client.");
        foreach (var command in new[] { upload, download, custody, verify, handover, acknowledge, export })
        {
            evidence.Subcommands.Add(command);
        }

        return evidence;

        Task<int> RunAsync(ParseResult result, Func<AgencyClient, Task<int>> action) => ArgusCli.GuardAsync(stderr, async () =>
        {
            var (_, credentials) = connection(result).Load();
            using var tokens = new AccessTokenSource(credentials);
            using var client = AgencyClient.For(new Uri(result.GetValue(agency)!), result.GetValue(code)!, tokens, credentials);
            return await action(client);
        });

        Metadata? Headers(ParseResult result) => result.GetValue(justification) is { Length: > 0 } why ? Justification.Of(why) : null;

        ProtoAgency Owner(ParseResult result) => result.GetValue(owner) switch
        {
            "nl" => ProtoAgency.Nl,
            "be" => ProtoAgency.Be,
            _ => ProtoAgency.Unspecified,
        };
    }

    /// <summary>Downloads to <paramref name="path"/>, resuming a shorter file, and checks the whole file against the item's hash.</summary>
    internal static async Task<(long Size, string Sha256)> DownloadAsync(AgencyClient client, string item, string path, ProtoAgency owner, Metadata? headers,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        var expected = owner == ProtoAgency.Unspecified
            ? (await client.Evidence.GetEvidenceItemAsync(new() { Name = item }, headers, cancellationToken: cancellationToken)).EvidenceItem.Content
            : null;
        await using (var target = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write))
        {
            if (expected is not null && target.Length > expected.SizeBytes)
            {
                target.SetLength(0); // not a part of this content
            }

            target.Seek(0, SeekOrigin.End);
            using var progress = new TransferProgress(stderr, "downloaded", expected?.SizeBytes ?? 0);
            await EvidenceTransfer.DownloadAsync(client, item, target, target.Length, progress, headers, owner, cancellationToken);
            progress.Finish();
        }

        await using var written = File.OpenRead(path);
        var sha256 = await EvidenceTransfer.HashAsync(written, cancellationToken);
        if (expected is not null && sha256 != expected.Sha256)
        {
            throw new CliException(ExitCodes.ChainBroken, $"{path} hashes to {sha256}, not the item's {expected.Sha256}; delete it and download again.");
        }

        return (written.Length, sha256);
    }

    private static int ChainExit(IReadOnlyList<CustodyEvent> history, TextWriter stderr)
    {
        if (CustodyChain.FirstBreak(history) is { } broken)
        {
            stderr.WriteLine($"argus: the custody history is broken at event {broken.Event.Index}: it {broken.Reason}.");
            return ExitCodes.ChainBroken;
        }

        return ExitCodes.Ok;
    }
}
