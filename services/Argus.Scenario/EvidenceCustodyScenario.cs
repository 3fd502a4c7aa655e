using System.Security.Cryptography;
using Argus.Client;
using Argus.Client.Evidence;
using Argus.Common.V1;
using Argus.Evidence.V1;
using Argus.Exchange.V1;
using Google.Protobuf.WellKnownTypes;
using static Argus.Scenario.ScenarioSteps;

namespace Argus.Scenario;

/// <summary>
/// A seized Sky ECC handset crosses the border: the Netherlands uploads its extraction, shares it
/// and hands the exhibit to Belgium for examination; Belgium's service fetches the extraction,
/// verifies its hash and acknowledges; Belgium records its examination with the owner. Each run
/// registers a handset of its own (a new seizure), so the scenario can run again on the same data.
/// </summary>
internal sealed class EvidenceCustodyScenario(AgencyClient nl, AgencyClient be, AgencyClient belgiumAtNl, ScenarioSteps steps)
{
    private const int ExtractionSize = 8 * 1024 * 1024 + 4_321;

    /// <summary>The handset registered by this run, once it is.</summary>
    public string? Handset { get; private set; }

    public async Task RunAsync(string operation)
    {
        var extraction = new byte[ExtractionSize];
        RandomNumberGenerator.Fill(extraction);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(extraction));
        var exhibit = $"SKY-TEL-{DateTime.UtcNow:yyyyMMddHHmmss}";

        await steps.RunAsync($"NL registers handset {exhibit} and uploads its extraction (8 MiB), hashed as it arrives and checked at finish", async () =>
        {
            var item = (await nl.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest
            {
                Parent = operation,
                EvidenceItem = new EvidenceItem
                {
                    ExhibitNumber = exhibit,
                    Category = EvidenceCategory.Device,
                    Description = "Sky ECC handset (BlackBerry KEY2, PGP-partitioned), seized at the Wolphaertsbocht address",
                    Quantity = new Quantity { Amount = 1, Unit = QuantityUnit.Piece },
                    SeizeTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2021, 3, 9, 6, 12, 0, TimeSpan.Zero)),
                    SeizedAt = new Location { StreetAddress = "Wolphaertsbocht 14", Municipality = "Rotterdam", Country = "NL" },
                    StorageLocation = "Politie Rotterdam, digitale recherche, kluis 2",
                    Status = EvidenceStatus.InStorage,
                    Handling = new Handling { Code = HandlingCode.H2 },
                },
            })).EvidenceItem;
            Handset = item.Name;
            var upload = await EvidenceTransfer.UploadAsync(nl, item.Name, new MemoryStream(extraction), "application/zip", $"XRY-extraction-{exhibit}.zip");
            var content = (await nl.Evidence.GetEvidenceItemAsync(new() { Name = item.Name })).EvidenceItem.Content;
            Check(upload.Complete && content?.Sha256 == sha256 && content.SizeBytes == ExtractionSize, $"the item's content is {content}, not the uploaded {sha256}");
        });
        if (Handset is not { } handset)
        {
            return;
        }

        var handover = await steps.RunAsync("NL shares the handset with Belgium and hands the exhibit over for examination (EOB 2021/0042)", async () =>
        {
            await nl.Exchange.ShareRecordAsync(new ShareRecordRequest
            {
                Share = new Share { Record = handset, Recipient = AgencyCode.Be, Handling = new Handling { Code = HandlingCode.H2 }, Purpose = "JIT Argus: examination by FGP Antwerpen" },
            });
            var handedOver = (await nl.Custody.HandOverEvidenceAsync(new HandOverEvidenceRequest
            {
                Parent = handset, Receiver = "agencies/be", Purpose = "Examination of the handset by FGP Antwerpen (RCCU)",
                Authorisation = "EOB 2021/0042 (European Investigation Order)", Officer = "brigadier J. de Vries", SealNumber = "NL-ZGL-118204",
            })).CustodyEvent;
            Check(handedOver.VerifiedSha256 == sha256, "the handover did not re-verify the content's hash");
            return handedOver;
        });
        if (handover is null)
        {
            return;
        }

        await steps.RunAsync("Belgium acknowledges through its own service, after fetching the extraction and verifying its hash", async () =>
        {
            var receipt = await be.Custody.AcknowledgeHandoverAsync(new AcknowledgeHandoverRequest
            {
                Handover = handover.Name, OwnerAgency = AgencyCode.Nl, Officer = "inspecteur M. Peeters", StorageLocation = "FGP Antwerpen, RCCU-kluis 3", SealNumber = "BE-SCE-55120",
            });
            Check(receipt.VerifiedSha256 == sha256, $"Belgium verified {receipt.VerifiedSha256}, not {sha256}");
            Check(receipt.CustodyEvent.ToCustodian.StartsWith("agencies/be/clients/", StringComparison.Ordinal), $"the custodian is {receipt.CustodyEvent.ToCustodian}");
        });
        await steps.RunAsync("Belgium records its examination (XRY 10.4.1) with the Dutch owner, on its verified copy", async () =>
        {
            var examined = (await be.Custody.RecordCustodyEventAsync(new RecordCustodyEventRequest
            {
                Parent = handset, OwnerAgency = AgencyCode.Nl,
                CustodyEvent = new CustodyEvent { Action = CustodyAction.Examined, Tool = "XRY", ToolVersion = "10.4.1", Result = "4,812 messages; 3 contacts with Antwerp handles", Officer = "inspecteur M. Peeters" },
            })).CustodyEvent;
            Check(examined.VerifiedSha256 == sha256, "the examination did not verify Belgium's copy");
        });
        await steps.RunAsync("The handset's history, read by Belgium at NL: seized, acquired, handed over, acknowledged, examined, hash-chained", async () =>
        {
            var history = await belgiumAtNl.Custody.ListCustodyEventsAsync(new() { Parent = handset },
                Justification.Of("Custody of the handset examined by FGP Antwerpen"));
            CustodyAction[] expected = [CustodyAction.Seized, CustodyAction.ContentAcquired, CustodyAction.HandedOver, CustodyAction.HandoverAcknowledged, CustodyAction.Examined];
            Check(history.CustodyEvents.Select(e => e.Action).SequenceEqual(expected), $"the history is {string.Join(", ", history.CustodyEvents.Select(e => e.Action))}");
            Check(CustodyChain.FirstBreak(history.CustodyEvents) is null, "the custody history does not chain");
            Console.WriteLine($"        {history.CustodyEvents.Count} events, head {history.CustodyEvents[^1].Hash[..16]}…, custodian {history.Custodian}");
        });
    }
}
