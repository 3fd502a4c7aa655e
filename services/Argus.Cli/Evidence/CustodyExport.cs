using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.Client;
using Argus.Client.Evidence;
using Argus.Evidence.V1;
using Grpc.Core;

namespace Argus.Cli.Evidence;

/// <summary>
/// The package `argus evidence export` writes for court, checkable without this software: per
/// item its custody history as CASE/UCO JSON-LD (an InvestigativeAction per event, a
/// ProvenanceRecord per exhibit), a readable Markdown report, and its content; and one
/// manifest.sha256 over every file, for `sha256sum -c`. Each history's hash chain is checked here
/// first; a broken one is named in the report (and the command exits 6).
/// </summary>
internal static class CustodyExport
{
    public static async Task<(int Files, bool ChainsIntact)> WriteAsync(AgencyClient client, IReadOnlyList<string> items, string folder, Metadata? headers,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var manifest = new StringBuilder();
        var files = 0;
        var intact = true;
        foreach (var name in items)
        {
            var item = (await client.Evidence.GetEvidenceItemAsync(new() { Name = name }, headers, cancellationToken: cancellationToken)).EvidenceItem;
            var history = await client.Custody.ListCustodyEventsAsync(new() { Parent = name }, headers, cancellationToken: cancellationToken);
            var broken = CustodyChain.FirstBreak(history.CustodyEvents);
            intact &= broken is null;
            var directory = Safe(item.ExhibitNumber) + "_" + name[(name.LastIndexOf('/') + 1)..];
            Directory.CreateDirectory(Path.Combine(folder, directory));

            var written = new List<string>
            {
                Write(folder, $"{directory}/custody.jsonld", JsonLd(item, history).ToJsonString(new JsonSerializerOptions { WriteIndented = true })),
                Write(folder, $"{directory}/report.md", Report(item, history, broken)),
            };
            if (item.Content is { Sha256.Length: > 0 } content)
            {
                var relative = $"{directory}/content/{(content.FileName.Length > 0 ? Safe(content.FileName) : "content.bin")}";
                Directory.CreateDirectory(Path.Combine(folder, directory, "content"));
                await EvidenceCommands.DownloadAsync(client, name, Path.Combine(folder, relative), Common.V1.AgencyCode.Unspecified, headers, stderr, cancellationToken);
                written.Add(relative);
            }

            foreach (var relative in written)
            {
                await using var stream = File.OpenRead(Path.Combine(folder, relative));
                manifest.Append(Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken))).Append("  ").Append(relative).Append('\n');
                files++;
            }
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "manifest.sha256"), manifest.ToString(), cancellationToken);
        return (files + 1, intact);
    }

    /// <summary>The action's name as a person reads it: "handed over".</summary>
    public static string ActionName(CustodyAction action) =>
        action.ToString().Aggregate(new StringBuilder(), (name, c) => char.IsUpper(c) && name.Length > 0 ? name.Append(' ').Append(char.ToLowerInvariant(c)) : name.Append(char.ToLowerInvariant(c))).ToString();

    private static string Write(string folder, string relative, string text)
    {
        File.WriteAllText(Path.Combine(folder, relative), text, new UTF8Encoding(false));
        return relative;
    }

    /// <summary>The item and its history in the CASE ontology (investigation) over UCO (core, action, observable, types).</summary>
    private static JsonObject JsonLd(EvidenceItem item, ListCustodyEventsResponse history)
    {
        var graph = new JsonArray();
        var itemId = $"kb:{item.Name}";
        var facets = new JsonArray();
        if (item.Content is { Sha256.Length: > 0 } content)
        {
            facets.Add(new JsonObject
            {
                ["@id"] = $"kb:{item.Name}/content-facet",
                ["@type"] = "uco-observable:ContentDataFacet",
                ["uco-observable:sizeInBytes"] = Typed("xsd:integer", content.SizeBytes.ToString(CultureInfo.InvariantCulture)),
                ["uco-observable:mimeType"] = content.MediaType,
                ["uco-observable:hash"] = new JsonArray(new JsonObject
                {
                    ["@id"] = $"kb:{item.Name}/content-hash",
                    ["@type"] = "uco-types:Hash",
                    ["uco-types:hashMethod"] = Typed("uco-vocabulary:HashNameVocab", "SHA256"),
                    ["uco-types:hashValue"] = Typed("xsd:hexBinary", content.Sha256.ToUpperInvariant()),
                }),
            });
            facets.Add(new JsonObject
            {
                ["@id"] = $"kb:{item.Name}/file-facet",
                ["@type"] = "uco-observable:FileFacet",
                ["uco-observable:fileName"] = content.FileName,
                ["uco-observable:sizeInBytes"] = Typed("xsd:integer", content.SizeBytes.ToString(CultureInfo.InvariantCulture)),
            });
        }

        graph.Add(new JsonObject
        {
            ["@id"] = itemId,
            ["@type"] = "uco-observable:ObservableObject",
            ["uco-core:name"] = item.ExhibitNumber,
            ["uco-core:description"] = item.Description,
            ["uco-core:hasFacet"] = facets,
            ["argus:integrityCompromised"] = item.IntegrityCompromised,
            ["argus:custodian"] = history.Custodian,
        });
        graph.Add(new JsonObject
        {
            ["@id"] = $"kb:{item.Name}/provenance",
            ["@type"] = "case-investigation:ProvenanceRecord",
            ["case-investigation:exhibitNumber"] = item.ExhibitNumber,
            ["uco-core:object"] = new JsonArray(new JsonObject { ["@id"] = itemId }),
        });
        foreach (var e in history.CustodyEvents)
        {
            var performer = $"kb:agencies/{e.Agency.ToString().ToLowerInvariant()}/clients/{(e.ActingClientId.Length > 0 ? e.ActingClientId : e.ClientId)}";
            graph.Add(new JsonObject
            {
                ["@id"] = $"kb:{e.Name}",
                ["@type"] = "case-investigation:InvestigativeAction",
                ["uco-core:name"] = ActionName(e.Action),
                ["uco-core:description"] = Describe(e),
                ["uco-action:startTime"] = Typed("xsd:dateTime", e.Time.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture)),
                ["uco-action:performer"] = new JsonObject { ["@id"] = performer },
                ["uco-action:object"] = new JsonArray(new JsonObject { ["@id"] = itemId }),
                ["uco-action:result"] = new JsonArray(new JsonObject { ["@id"] = $"kb:{item.Name}/provenance" }),
                ["argus:index"] = e.Index,
                ["argus:timeZone"] = e.TimeZone,
                ["argus:authorisation"] = e.Authorisation,
                ["argus:fromCustodian"] = e.FromCustodian,
                ["argus:toCustodian"] = e.ToCustodian,
                ["argus:verifiedSha256"] = e.VerifiedSha256,
                ["argus:previousHash"] = e.PreviousHash,
                ["argus:hash"] = e.Hash,
            });
        }

        return new JsonObject
        {
            ["@context"] = new JsonObject
            {
                ["kb"] = "urn:argus:",
                ["argus"] = "urn:argus:custody#",
                ["case-investigation"] = "https://ontology.caseontology.org/case/investigation/",
                ["uco-action"] = "https://ontology.unifiedcyberontology.org/uco/action/",
                ["uco-core"] = "https://ontology.unifiedcyberontology.org/uco/core/",
                ["uco-observable"] = "https://ontology.unifiedcyberontology.org/uco/observable/",
                ["uco-types"] = "https://ontology.unifiedcyberontology.org/uco/types/",
                ["uco-vocabulary"] = "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
                ["xsd"] = "http://www.w3.org/2001/XMLSchema#",
            },
            ["@graph"] = graph,
        };
    }

    private static JsonObject Typed(string type, string value) => new() { ["@type"] = type, ["@value"] = value };

    private static string Report(EvidenceItem item, ListCustodyEventsResponse history, (CustodyEvent Event, string Reason)? broken)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Chain of custody: exhibit {item.ExhibitNumber}");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- Item: `{item.Name}` (owner {Agency(item.OwnerAgency)})");
        report.AppendLine(CultureInfo.InvariantCulture, $"- Description: {item.Description}");
        report.AppendLine(CultureInfo.InvariantCulture, $"- Category: {item.Category}; status {item.Status}; held by `{history.Custodian}`");
        if (item.Content is { Sha256.Length: > 0 } content)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- Content: {content.FileName} ({content.SizeBytes:N0} bytes, {content.MediaType}), SHA-256 `{content.Sha256}`");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"- Integrity: {(item.IntegrityCompromised ? "**COMPROMISED** — a verification found the content changed (see the history)" : "no verification has found a change")}");
        report.AppendLine($"- History: {history.CustodyEvents.Count} events; "
            + (broken is { } b ? $"**the hash chain is broken at event {b.Event.Index}: it {b.Reason}**" : $"the hash chain verifies (head `{history.CustodyEvents.LastOrDefault()?.Hash}`)"));
        report.AppendLine();
        report.AppendLine("| # | Time (UTC) | Time zone | Action | By | Details | Verified SHA-256 | Hash |");
        report.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var e in history.CustodyEvents)
        {
            var by = e.ActingClientId.Length > 0 ? $"{e.ActingClientId} ({Agency(e.Agency)}, via {e.ClientId})" : $"{e.ClientId} ({Agency(e.Agency)})";
            if (e.Officer.Length > 0)
            {
                by += $", {e.Officer}";
            }

            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {e.Index} | {e.Time.ToDateTime():yyyy-MM-dd HH:mm:ss} | {e.TimeZone} | {ActionName(e.Action)} | {Cell(by)} | {Cell(Describe(e))} | {Short(e.VerifiedSha256)} | {Short(e.Hash)} |");
        }

        report.AppendLine();
        report.AppendLine("Check the files of this package with `sha256sum -c manifest.sha256` in its folder. Each event's hash covers its fields and the");
        report.AppendLine("previous event's hash (layout: Argus.Micro, services/Argus.Agency/README.md, \"Chain of custody\"), so the history in");
        report.AppendLine("custody.jsonld can be re-checked without the software that wrote it.");
        return report.ToString();
    }

    private static string Describe(CustodyEvent e)
    {
        var parts = new List<string>();
        void Add(string label, string value)
        {
            if (value.Length > 0)
            {
                parts.Add($"{label}: {value}");
            }
        }

        Add("from", e.Action == CustodyAction.HandedOver ? e.FromCustodian : "");
        Add("to", e.Action is CustodyAction.HandedOver or CustodyAction.HandoverAcknowledged or CustodyAction.Seized ? e.ToCustodian : "");
        Add("purpose", e.Purpose);
        Add("authorisation", e.Authorisation);
        Add("location", e.StorageLocation);
        Add("seal", e.SealNumber);
        Add("tool", $"{e.Tool} {e.ToolVersion}".Trim());
        Add("result", e.Result);
        Add("acknowledges", e.Acknowledges);
        return string.Join("; ", parts);
    }

    private static string Agency(Common.V1.AgencyCode agency) => agency.ToString().ToUpperInvariant();

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Short(string hash) => hash.Length > 12 ? $"`{hash[..12]}…`" : hash;

    private static string Safe(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()).Trim('.');
        return safe.Length == 0 ? "item" : safe;
    }
}
