using StoredCustodyEvent = Argus.Agency.Evidence.Custody.CustodyEvent;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Client.Evidence;
using Argus.Client.Security;
using Argus.Common.V1;
using Argus.Evidence.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests.Evidence;

/// <summary>
/// The chain of custody across the border: a phone extraction uploaded in the Netherlands, handed
/// to Belgium for examination, verified and acknowledged there; and the refusals that keep a
/// history trustworthy (not the custodian, not the receiver, a flipped byte, an altered event).
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class CustodyTests(EvidenceExchange evidence) : IClassFixture<EvidenceExchange>
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_extraction_handed_to_Belgium_is_verified_and_acknowledged_there_and_both_sides_record_it()
    {
        var operation = await evidence.OperationAsync();
        var phone = await evidence.PhoneAsync(operation);
        var extraction = EvidenceExchange.Extraction(3 * 1024 * 1024 + 12_345, seed: 11);
        await evidence.UploadAsync(phone.Name, extraction);
        await evidence.Exchange.ShareWithBelgiumAsync(phone.Name);

        var handover = (await evidence.Nl.Custody.HandOverEvidenceAsync(new HandOverEvidenceRequest
        {
            Parent = phone.Name, Receiver = "agencies/be", Purpose = "Examination of the handset by FGP Antwerpen",
            Authorisation = "EOB 2021/0042 (European Investigation Order)", Officer = "brigadier J. de Vries", SealNumber = "NL-ZGL-118204",
        })).CustodyEvent;
        Assert.Equal(CustodyAction.HandedOver, handover.Action);
        Assert.Equal(EvidenceStatus.InTransit, (await evidence.Nl.Evidence.GetEvidenceItemAsync(new() { Name = phone.Name })).EvidenceItem.Status);

        // Belgium acknowledges through its own service, which fetches and hashes the content first.
        var receipt = await evidence.Be.Custody.AcknowledgeHandoverAsync(new AcknowledgeHandoverRequest
        {
            Handover = handover.Name, OwnerAgency = AgencyCode.Nl, Officer = "inspecteur M. Peeters", StorageLocation = "FGP Antwerpen, RCCU-kluis 3",
        });
        Assert.Equal(EvidenceExchange.Sha256(extraction), receipt.VerifiedSha256);
        Assert.Equal(CustodyAction.HandoverAcknowledged, receipt.CustodyEvent.Action);
        Assert.Equal(handover.Name, receipt.CustodyEvent.Acknowledges);

        var examined = (await evidence.Be.Custody.RecordCustodyEventAsync(new RecordCustodyEventRequest
        {
            Parent = phone.Name, OwnerAgency = AgencyCode.Nl,
            CustodyEvent = new CustodyEvent { Action = CustodyAction.Examined, Tool = "XRY", ToolVersion = "10.4.1", Result = "4,812 messages, 3 contacts in Antwerp" },
        })).CustodyEvent;
        Assert.Equal(EvidenceExchange.Sha256(extraction), examined.VerifiedSha256);

        // The owner's history: every step, each by whom it was done, chained.
        var history = await evidence.HistoryAsync(phone.Name);
        Assert.Equal(
            [CustodyAction.Seized, CustodyAction.ContentAcquired, CustodyAction.HandedOver, CustodyAction.HandoverAcknowledged, CustodyAction.Examined],
            history.CustodyEvents.Select(e => e.Action));
        Assert.Null(CustodyChain.FirstBreak(history.CustodyEvents));
        var acknowledged = history.CustodyEvents[3];
        Assert.Equal(AgencyCode.Be, acknowledged.Agency);
        Assert.Equal("argus-be", acknowledged.ClientId);
        Assert.StartsWith("agencies/be/clients/be-officer-", acknowledged.ToCustodian);
        Assert.Equal(acknowledged.ToCustodian, history.Custodian);
        Assert.Equal("", history.PendingHandover);
        Assert.Equal("Europe/Brussels", examined.TimeZone);

        // Belgium can read the history through its own service's copy of the record and the owner's API,
        // and serves its verified copy of the content to its own callers.
        Assert.Equal(extraction, await EvidenceExchange.DownloadAsync(evidence.Be, phone.Name, owner: AgencyCode.Nl));
        // Belgium's copy follows the history too (the examination's update is the last).
        var copies = await evidence.Exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == phone.Name && x.EvidenceItem.Status == EvidenceStatus.UnderAnalysis), Converge);
        Assert.Equal(acknowledged.ToCustodian, copies.Single(c => c.Record == phone.Name).EvidenceItem.Custodian);

        // Each side's processing log has it: Belgium the receipt, the Netherlands the partner's changes.
        Assert.Single(await evidence.Exchange.BelgianLogAsync($"custody received from NL ({handover.Name}), content sha256 {receipt.VerifiedSha256} verified on arrival"));
        await using var scope = evidence.Exchange.Netherlands.Services.CreateAsyncScope();
        var dutchLog = await scope.ServiceProvider.GetRequiredService<AgencyDbContext>().Set<AuditEntryEntity>().AsNoTracking()
            .Where(e => e.Record == phone.Name && e.ClientId == "argus-be" && e.Action == ProcessingAction.Alteration).OrderBy(e => e.Id).Select(e => e.Details).ToListAsync();
        Assert.Equal(["fields: custody:HandoverAcknowledged", "fields: custody:Examined"], dutchLog);
    }

    [Fact]
    public async Task A_handover_by_someone_who_is_not_the_custodian_is_refused_and_so_is_an_acknowledgement_by_anyone_but_the_receiver()
    {
        var operation = await evidence.OperationAsync();
        var firearm = (await evidence.Nl.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest { Parent = operation, EvidenceItem = Records.Firearm("SKY-G-" + Guid.NewGuid().ToString("N")[..6]) })).EvidenceItem;
        using var clerk = await evidence.AnotherDutchClientAsync("evidence-clerk-nl-" + Guid.NewGuid().ToString("N")[..6]);
        using var lab = await evidence.AnotherDutchClientAsync("nfi-lab-nl-" + Guid.NewGuid().ToString("N")[..6]);

        var notCustodian = await Assert.ThrowsAsync<RpcException>(() => clerk.Custody.HandOverEvidenceAsync(new HandOverEvidenceRequest
        {
            Parent = firearm.Name, Receiver = "agencies/nl/clients/nfi-lab", Purpose = "Ballistic examination", Authorisation = "RC-machtiging 2021/311",
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notCustodian.StatusCode);
        Assert.Contains("Only the current custodian", notCustodian.Status.Detail);
        // Nor does someone who is not the custodian attach content to it.
        var notCustodianUpload = await Assert.ThrowsAsync<RpcException>(() => clerk.Content.CreateUploadAsync(new CreateUploadRequest
        {
            Parent = firearm.Name, Sha256 = new string('c', 64), SizeBytes = 1000, MediaType = "image/jpeg",
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notCustodianUpload.StatusCode);

        var labId = (await lab.Connectivity.WhoAmIAsync(new())).ClientId;
        var handover = (await evidence.Nl.Custody.HandOverEvidenceAsync(new HandOverEvidenceRequest
        {
            Parent = firearm.Name, Receiver = $"agencies/nl/clients/{labId}", Purpose = "Ballistic examination", Authorisation = "RC-machtiging 2021/311",
        })).CustodyEvent;
        var notReceiver = await Assert.ThrowsAsync<RpcException>(() => clerk.Custody.AcknowledgeHandoverAsync(new AcknowledgeHandoverRequest { Handover = handover.Name }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notReceiver.StatusCode);
        // While in transit, not even the one who handed it over acts on it.
        var inTransit = await Assert.ThrowsAsync<RpcException>(() => evidence.Nl.Custody.RecordCustodyEventAsync(new RecordCustodyEventRequest
        {
            Parent = firearm.Name, CustodyEvent = new CustodyEvent { Action = CustodyAction.Stored, StorageLocation = "Depot C" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, inTransit.StatusCode);

        var acknowledged = (await lab.Custody.AcknowledgeHandoverAsync(new AcknowledgeHandoverRequest { Handover = handover.Name, StorageLocation = "NFI Den Haag, kluis 2" })).CustodyEvent;
        Assert.Equal($"agencies/nl/clients/{labId}", acknowledged.ToCustodian);
        // Now the lab is the custodian, and the one who registered it is not any more.
        var former = await Assert.ThrowsAsync<RpcException>(() => evidence.Nl.Custody.RecordCustodyEventAsync(new RecordCustodyEventRequest
        {
            Parent = firearm.Name, CustodyEvent = new CustodyEvent { Action = CustodyAction.Examined, Tool = "IBIS" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, former.StatusCode);
        await lab.Custody.RecordCustodyEventAsync(new RecordCustodyEventRequest
        {
            Parent = firearm.Name, CustodyEvent = new CustodyEvent { Action = CustodyAction.Examined, Tool = "IBIS", ToolVersion = "3.1", Result = "No match in the national database" },
        });
        Assert.Null(CustodyChain.FirstBreak((await evidence.HistoryAsync(firearm.Name)).CustodyEvents));
    }

    [Fact]
    public async Task A_handover_to_a_partner_needs_the_item_shared_with_it_and_a_partner_may_not_hand_over_or_upload_at_the_owner()
    {
        var operation = await evidence.OperationAsync();
        var phone = await evidence.PhoneAsync(operation);
        var unshared = await Assert.ThrowsAsync<RpcException>(() => evidence.Nl.Custody.HandOverEvidenceAsync(new HandOverEvidenceRequest
        {
            Parent = phone.Name, Receiver = "agencies/be", Purpose = "Examination", Authorisation = "EOB 2021/0042",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, unshared.StatusCode);
        Assert.Contains("not shared with BE", unshared.Status.Detail);

        await evidence.Exchange.ShareWithBelgiumAsync(phone.Name);
        var partner = evidence.Exchange.BelgiumAtNetherlands;
        var upload = await Assert.ThrowsAsync<RpcException>(() => partner.Content.CreateUploadAsync(new CreateUploadRequest
        {
            Parent = phone.Name, Sha256 = new string('a', 64), SizeBytes = 10, MediaType = "application/zip",
        }, ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, upload.StatusCode);
        var handOver = await Assert.ThrowsAsync<RpcException>(() => partner.Custody.HandOverEvidenceAsync(new HandOverEvidenceRequest
        {
            Parent = phone.Name, Receiver = "agencies/be", Purpose = "Examination", Authorisation = "EOB 2021/0042",
        }, ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, handOver.StatusCode);
        // The partners' own method is for the partner's own service, which names the client it acts for:
        // another client of Belgium, even with argus.exchange, may not use it to name one.
        var system = await evidence.Exchange.Identity.RegisterAsync("be-system-" + Guid.NewGuid().ToString("N")[..6], [ArgusAudiences.Agency("nl")],
            [ArgusScopes.Exchange, ArgusScopes.EvidenceRead], agency: "be");
        using (var systemTokens = new AccessTokenSource(system))
        using (var belgianSystem = evidence.Exchange.Netherlands.ClientFor(system, systemTokens))
        {
            var notService = await Assert.ThrowsAsync<RpcException>(() => belgianSystem.Custody.RecordPartnerCustodyEventAsync(new RecordPartnerCustodyEventRequest
            {
                Parent = phone.Name, CustodyEvent = new CustodyEvent { Action = CustodyAction.Examined, Tool = "XRY", ActingClientId = "be-officer" },
            }, ExchangeFixture.Justified).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, notService.StatusCode);
            Assert.Contains("own service", notService.Status.Detail);
        }

        // The partners' own method: the partner is not the custodian (nothing was handed to it).
        var notCustodian = await Assert.ThrowsAsync<RpcException>(() => partner.Custody.RecordPartnerCustodyEventAsync(new RecordPartnerCustodyEventRequest
        {
            Parent = phone.Name, CustodyEvent = new CustodyEvent { Action = CustodyAction.Examined, Tool = "XRY", ActingClientId = "be-officer" },
        }, ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notCustodian.StatusCode);
        // Nor may it mark an item it does not hold compromised, which no later check could undo.
        var notHolding = await Assert.ThrowsAsync<RpcException>(() => partner.Custody.RecordPartnerCustodyEventAsync(new RecordPartnerCustodyEventRequest
        {
            Parent = phone.Name, CustodyEvent = new CustodyEvent { Action = CustodyAction.IntegrityCompromised, Result = "says so", ActingClientId = "be-officer" },
        }, ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notHolding.StatusCode);
        Assert.False((await evidence.Nl.Evidence.GetEvidenceItemAsync(new() { Name = phone.Name })).EvidenceItem.IntegrityCompromised);
        Assert.Equal([CustodyAction.Seized], (await evidence.HistoryAsync(phone.Name)).CustodyEvents.Select(e => e.Action));
    }

    [Fact]
    public async Task An_unshared_items_content_and_history_are_not_found_for_a_partner()
    {
        var operation = await evidence.OperationAsync();
        var phone = await evidence.PhoneAsync(operation);
        await evidence.UploadAsync(phone.Name, EvidenceExchange.Extraction(100_001, seed: 5));
        var partner = evidence.Exchange.BelgiumAtNetherlands;

        var content = await Assert.ThrowsAsync<RpcException>(() => EvidenceExchange.DownloadAsync(partner, phone.Name, ExchangeFixture.Justified));
        Assert.Equal(StatusCode.NotFound, content.StatusCode);
        var history = await Assert.ThrowsAsync<RpcException>(() => partner.Custody.ListCustodyEventsAsync(new() { Parent = phone.Name }, ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, history.StatusCode);

        // Shared, the same calls answer, each logged as a disclosure to Belgium.
        await evidence.Exchange.ShareWithBelgiumAsync(phone.Name);
        Assert.Equal(100_001, (await EvidenceExchange.DownloadAsync(partner, phone.Name, ExchangeFixture.Justified)).Length);
        Assert.Equal(2, (await partner.Custody.ListCustodyEventsAsync(new() { Parent = phone.Name }, ExchangeFixture.Justified)).CustodyEvents.Count);
        await using var scope = evidence.Exchange.Netherlands.Services.CreateAsyncScope();
        var disclosures = await scope.ServiceProvider.GetRequiredService<AgencyDbContext>().Set<AuditEntryEntity>().AsNoTracking()
            .Where(e => e.Record == phone.Name && e.Action == ProcessingAction.Disclosure && e.ClientId == "argus-be").ToListAsync();
        Assert.Contains(disclosures, d => d.Details.StartsWith("content bytes 0-100001 of 100001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_flipped_byte_in_storage_is_found_by_verification_marks_the_item_compromised_and_tells_the_partner()
    {
        var operation = await evidence.OperationAsync();
        var phone = await evidence.PhoneAsync(operation);
        var extraction = EvidenceExchange.Extraction(700_000, seed: 23);
        await evidence.UploadAsync(phone.Name, extraction);
        await evidence.Exchange.ShareWithBelgiumAsync(phone.Name);
        var intact = await evidence.Nl.Custody.VerifyEvidenceIntegrityAsync(new() { Parent = phone.Name });
        Assert.True(intact.Intact);

        // One byte in the middle of the stored file, as a failing disk or a hand would change it.
        var file = evidence.DutchContentFile(EvidenceExchange.Sha256(extraction));
        File.SetAttributes(file, FileAttributes.Normal);
        await using (var stored = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
        {
            stored.Position = 345_678;
            var b = stored.ReadByte();
            stored.Position = 345_678;
            stored.WriteByte((byte)(b ^ 0x01));
        }

        var verified = await evidence.Nl.Custody.VerifyEvidenceIntegrityAsync(new() { Parent = phone.Name });
        Assert.False(verified.Intact);
        Assert.Equal(CustodyAction.IntegrityCompromised, verified.CustodyEvent.Action);
        Assert.NotEqual(EvidenceExchange.Sha256(extraction), verified.ComputedSha256);
        Assert.True((await evidence.Nl.Evidence.GetEvidenceItemAsync(new() { Name = phone.Name })).EvidenceItem.IntegrityCompromised);

        // A handover re-verifies, finds it again, and is refused.
        var handover = await Assert.ThrowsAsync<RpcException>(() => evidence.Nl.Custody.HandOverEvidenceAsync(new HandOverEvidenceRequest
        {
            Parent = phone.Name, Receiver = "agencies/be", Purpose = "Examination", Authorisation = "EOB 2021/0042",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, handover.StatusCode);

        // Irreversible: putting the byte back does not clear the mark.
        await using (var stored = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
        {
            stored.Position = 345_678;
            stored.WriteByte(extraction[345_678]);
        }

        Assert.True((await evidence.Nl.Custody.VerifyEvidenceIntegrityAsync(new() { Parent = phone.Name })).Intact);
        Assert.True((await evidence.Nl.Evidence.GetEvidenceItemAsync(new() { Name = phone.Name })).EvidenceItem.IntegrityCompromised);
        await evidence.Exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == phone.Name && x.EvidenceItem.IntegrityCompromised), Converge);
        var actions = (await evidence.HistoryAsync(phone.Name)).CustodyEvents.Select(e => e.Action).ToList();
        Assert.Equal(
            [CustodyAction.Seized, CustodyAction.ContentAcquired, CustodyAction.IntegrityVerified, CustodyAction.IntegrityCompromised,
             CustodyAction.IntegrityCompromised, CustodyAction.IntegrityVerified], actions);
    }

    [Fact]
    public async Task Every_custody_event_chains_and_an_event_altered_in_the_database_breaks_the_chain_there()
    {
        var operation = await evidence.OperationAsync();
        var phone = await evidence.PhoneAsync(operation);
        await evidence.UploadAsync(phone.Name, EvidenceExchange.Extraction(65_537, seed: 3));
        foreach (var location in new[] { "Depot B, vak 12", "Depot B, vak 14 (Straße 3, ünïcode)", "Kluis 1" })
        {
            await evidence.Nl.Custody.RecordCustodyEventAsync(new RecordCustodyEventRequest
            {
                Parent = phone.Name, CustodyEvent = new CustodyEvent { Action = CustodyAction.Stored, StorageLocation = location, SealNumber = "ZGL-" + location.Length, TimeZone = "Europe/Amsterdam" },
            });
        }

        var history = (await evidence.HistoryAsync(phone.Name)).CustodyEvents;
        Assert.Equal(5, history.Count);
        Assert.Null(CustodyChain.FirstBreak(history));
        Assert.All(history.Skip(1), (e, i) => Assert.Equal(history[i].Hash, e.PreviousHash));

        await using (var scope = evidence.Exchange.Netherlands.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            await db.Set<StoredCustodyEvent>().Where(e => e.ItemName == phone.Name && e.Index == 4)
                .ExecuteUpdateAsync(e => e.SetProperty(x => x.StorageLocation, "Depot B, vak 15"));
        }

        var broken = CustodyChain.FirstBreak((await evidence.HistoryAsync(phone.Name)).CustodyEvents);
        Assert.NotNull(broken);
        Assert.Equal(4, broken.Value.Event.Index);
        Assert.Contains("altered", broken.Value.Reason);
    }

    [Fact]
    public async Task An_item_erased_by_its_owner_takes_the_partners_received_copy_and_both_stored_contents_with_it()
    {
        var operation = await evidence.OperationAsync();
        var phone = await evidence.PhoneAsync(operation);
        var extraction = EvidenceExchange.Extraction(512 * 1024 + 3, seed: 61);
        await evidence.UploadAsync(phone.Name, extraction);
        await evidence.Exchange.ShareWithBelgiumAsync(phone.Name);
        var handover = (await evidence.Nl.Custody.HandOverEvidenceAsync(new HandOverEvidenceRequest
        {
            Parent = phone.Name, Receiver = "agencies/be", Purpose = "Examination", Authorisation = "EOB 2021/0042",
        })).CustodyEvent;
        await evidence.Be.Custody.AcknowledgeHandoverAsync(new AcknowledgeHandoverRequest { Handover = handover.Name, OwnerAgency = AgencyCode.Nl });
        var sha256 = EvidenceExchange.Sha256(extraction);
        var dutchFile = evidence.DutchContentFile(sha256);
        var belgianFile = Path.Combine(evidence.Exchange.Belgium!.DataDirectory, "evidence", "sha256", sha256[..2], sha256);
        Assert.True(File.Exists(dutchFile) && File.Exists(belgianFile));
        Assert.Equal(extraction, await EvidenceExchange.DownloadAsync(evidence.Be, phone.Name, owner: AgencyCode.Nl));

        // The owner erases the item (Art. 16): Belgium's copy goes, its receipt with it, and both stores let go of the bytes.
        await evidence.Nl.Evidence.DeleteEvidenceItemAsync(new DeleteEvidenceItemRequest { Name = phone.Name, Reason = "Unlawfully seized (court order 2021/113)" });
        // The erasure reaches Belgium over the bus (whether or not its copy had arrived yet): its copy
        // goes, and from then on it serves nothing. Either can be seen first — the download is
        // refused once Belgium drops its receipt, and a copy that had not arrived is not there to go
        // — so the test waits for both.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        RpcException? gone = null;
        while (DateTime.UtcNow < until)
        {
            try
            {
                await EvidenceExchange.DownloadAsync(evidence.Be, phone.Name, owner: AgencyCode.Nl);
            }
            catch (RpcException ex)
            {
                gone = ex;
                if ((await evidence.Exchange.BelgianCopiesAsync()).All(c => c.Record != phone.Name))
                {
                    break;
                }
            }

            await Task.Delay(200);
        }

        Assert.Equal(StatusCode.NotFound, gone?.StatusCode);
        Assert.DoesNotContain(await evidence.Exchange.BelgianCopiesAsync(), c => c.Record == phone.Name);
        while ((File.Exists(dutchFile) || File.Exists(belgianFile)) && DateTime.UtcNow < until)
        {
            await Task.Delay(200);
        }

        Assert.False(File.Exists(dutchFile), "the Netherlands still stores the erased item's content");
        Assert.False(File.Exists(belgianFile), "Belgium still stores the content it received of an erased item");
    }
}
