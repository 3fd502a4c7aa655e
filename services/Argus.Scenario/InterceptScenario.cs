using System.Diagnostics;
using System.IO.Compression;
using Argus.Client;
using Argus.Client.Intercepts;
using Argus.Common.V1;
using Argus.Exchange.V1;
using Argus.Intercepts.V1;
using Argus.Lookup.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static Argus.Scenario.ScenarioSteps;

namespace Argus.Scenario;

/// <summary>
/// The Sky ECC material itself: the Netherlands imports a (synthetic) server copy, shares with
/// Belgium the part that concerns the Antwerp handles, Belgium's service pulls that part into its
/// own database and finds there the conversations between a Dutch and an Antwerp suspect; a
/// hit/no-hit on a handle answers from the message index. Each run imports a dataset of its own.
/// </summary>
internal sealed class InterceptScenario(AgencyClient nl, AgencyClient be, AgencyClient belgiumAtNl, ScenarioSteps steps, long messages)
{
    private static readonly Metadata Justified = Justification.Of("JIT Argus: Antwerp suspects in the Sky ECC material (EOB 2021/0042)");

    public async Task RunAsync(string operation)
    {
        var generated = new SyntheticSkyEcc(messages, seed: Environment.TickCount);
        var antwerp = new MessageSubset();
        antwerp.Handles.AddRange(generated.AntwerpSuspects);
        var dutchSuspect = generated.DutchSuspects[0];
        var antwerpSuspect = generated.AntwerpSuspects[0];

        var dataset = await steps.RunAsync($"NL imports a Sky ECC server copy of {messages:N0} messages (gzip NDJSON), counted until it is indexed", async () =>
        {
            var name = (await nl.InterceptDatasets.CreateInterceptDatasetAsync(new CreateInterceptDatasetRequest
            {
                Parent = operation,
                InterceptDataset = new InterceptDataset
                {
                    Source = "Sky ECC server copy (Roubaix), decrypted by the French-Belgian-Dutch JIT (synthetic)",
                    AuthorisationReference = "RC Rotterdam 2020/0612 (art. 126m Sv), extended 2021/0110",
                    AuthorisedFrom = Timestamp.FromDateTimeOffset(SyntheticSkyEcc.Start),
                    AuthorisedUntil = Timestamp.FromDateTimeOffset(SyntheticSkyEcc.End),
                    SharedSubset = antwerp,
                    Handling = new Handling { Code = HandlingCode.H3, Restrictions = "JIT Argus only; evidential use needs the Dutch prosecutor's consent" },
                },
            })).InterceptDataset.Name;
            var path = Path.Combine(Path.GetTempPath(), $"argus-skyecc-{Guid.NewGuid():N}.ndjson.gz");
            try
            {
                await using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
                {
                    await generated.WriteNdjsonAsync(gzip);
                }

                var clock = Stopwatch.StartNew();
                await using var content = InterceptTransfer.OpenContent(path);
                var import = await InterceptTransfer.ImportAsync(nl, name, content, InterceptTransfer.FormatOf(path)!.Value);
                Console.WriteLine($"      {import.Imported:N0} imported in {clock.Elapsed.TotalSeconds:N1} s ({import.Imported / clock.Elapsed.TotalSeconds:N0} rows/s), "
                    + $"{import.Rejected} rejected, {import.Duplicates} duplicates");
                Check(import.State == ImportState.Complete && import.Imported == messages && import.Rejected == 0, $"the import ended {import}");
            }
            finally
            {
                File.Delete(path);
            }

            return name;
        });
        if (dataset is null)
        {
            return;
        }

        await steps.RunAsync($"NL finds the conversation of Dutch suspect {dutchSuspect} with Antwerp suspect {antwerpSuspect}, and his contacts", async () =>
        {
            var conversation = await nl.Intercepts.SearchMessagesAsync(new() { Dataset = dataset, Handle = dutchSuspect, Counterpart = antwerpSuspect, PageSize = 50 });
            var contacts = await nl.Intercepts.GetContactGraphAsync(new() { Dataset = dataset, Handle = dutchSuspect });
            Check(conversation.Messages.Count > 0, "no messages between the two");
            Check(generated.AntwerpSuspects.All(h => contacts.Contacts.Any(c => string.Equals(c.Handle, h, StringComparison.OrdinalIgnoreCase))), "the contact graph misses Antwerp suspects");
        });

        var offered = await steps.RunAsync("NL shares the part concerning the Antwerp handles with Belgium (H3); Belgium's service pulls it into its own database", async () =>
        {
            await nl.Exchange.ShareRecordAsync(new ShareRecordRequest
            {
                Share = new Share
                {
                    Record = dataset, Recipient = AgencyCode.Be, Purpose = "JIT Argus: the Antwerp handles (EOB 2021/0042)",
                    Handling = new Handling { Code = HandlingCode.H3, Restrictions = "JIT Argus only" },
                },
            });
            await WaitForCopyAsync(dataset);
            using var pull = be.Intercepts.PullDataset(new() { Dataset = dataset }, Justified);
            PullDatasetResponse last = new();
            var clock = Stopwatch.StartNew();
            await foreach (var step in pull.ResponseStream.ReadAllAsync())
            {
                last = step;
            }

            var contents = await be.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset });
            Console.WriteLine($"      {last.Received:N0} messages pulled in {clock.Elapsed.TotalSeconds:N1} s ({last.Received / clock.Elapsed.TotalSeconds:N0} rows/s)");
            Check(last.Done && last.Received == last.Offered && last.Offered > 0 && last.Offered < messages, $"the pull ended {last}");
            Check(contents.Foreign && contents.MessageCount == last.Offered, $"Belgium holds {contents}");
            return last.Offered;
        });
        if (offered == 0)
        {
            return;
        }

        await steps.RunAsync("Belgium finds the Dutch–Antwerp conversations in its copy, and nothing outside the shared part", async () =>
        {
            var across = await be.Intercepts.SearchMessagesAsync(new() { Dataset = dataset, Handle = antwerpSuspect, Counterpart = dutchSuspect }, Justified);
            var dutchOnly = await be.Intercepts.SearchMessagesAsync(new() { Dataset = dataset, Handle = dutchSuspect, Counterpart = generated.DutchSuspects[1] }, Justified);
            Check(across.Messages.Count > 0, "no Dutch–Antwerp messages in Belgium's copy");
            Check(dutchOnly.Messages.Count == 0, "Belgium holds messages between two Dutch suspects, outside the shared part");
        });

        await steps.RunAsync($"Belgium's hit/no-hit on handle {dutchSuspect} at NL answers from the message index (and a stranger is no hit)", async () =>
        {
            var hit = await belgiumAtNl.Lookup.LookupAsync(new LookupRequest { Handle = new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = dutchSuspect } }, Justified);
            var miss = await belgiumAtNl.Lookup.LookupAsync(new LookupRequest { Handle = new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = "NOBODY-00" } }, Justified);
            Check(hit.Hit && !miss.Hit, $"hit {hit.Hit}, stranger {miss.Hit}");
        });
    }

    private async Task WaitForCopyAsync(string dataset)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await be.Replica.GetForeignRecordAsync(new() { Name = $"partners/nl/{dataset}" });
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && DateTime.UtcNow < until)
            {
                await Task.Delay(200);
            }
        }
    }
}
