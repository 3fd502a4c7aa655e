using Argus.Arrests.V1;
using Argus.Client;
using Argus.Common.V1;
using Argus.Connectivity.V1;
using Argus.Evidence.V1;
using Argus.Exchange.V1;
using Argus.Lookup.V1;
using Argus.Operations.V1;
using Argus.Replica.V1;
using Argus.Searches.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using static Argus.Scenario.ScenarioSteps;

namespace Argus.Scenario;

/// <summary>
/// The action day of 9 March 2021: the Netherlands searches 75 premises in Rotterdam and The Hague,
/// arrests 30 people and seizes 28 firearms, drugs and drug labs; Belgium searches 200 premises in
/// Antwerp and arrests 48. Every record is read back and compared with what was created.
/// </summary>
internal sealed class ArgusScenario(AgencyClient nl, AgencyClient be, AgencyClient anonymous, AgencyClient belgiumAtNl, JitWideTool jit, ScenarioSteps steps,
    long interceptedMessages)
{
    private const string OperationId = "argus";
    private static readonly DateTimeOffset ActionDay = new(2021, 3, 9, 5, 0, 0, TimeSpan.Zero);
    private static readonly Location Rotterdam = new() { Municipality = "Rotterdam", Country = "NL" };
    private static readonly Location TheHague = new() { Municipality = "Den Haag", Country = "NL" };
    private static readonly Location Antwerp = new() { Municipality = "Antwerpen", Country = "BE" };
    private static readonly string[] RotterdamStreets = ["Coolsingel", "Wolphaertsbocht", "Beijerlandselaan", "Maashaven Oostzijde", "Schiedamseweg"];
    private static readonly string[] HagueStreets = ["Laan van Meerdervoort", "Loosduinseweg", "Vaillantlaan", "Hoefkade"];
    private static readonly string[] AntwerpStreets = ["Turnhoutsebaan", "Lange Kievitstraat", "Noorderlaan", "Kiel", "Sint-Bernardsesteenweg"];

    /// <summary>A create request exactly as first sent, to send again as a client retry would.</summary>
    private CreateArrestRequest? firstArrestRequest;

    public ScenarioSummary Summary { get; } = new();

    /// <summary>The evidence and custody steps: a handset's extraction examined across the border.</summary>
    public EvidenceCustodyScenario Evidence { get; } = new(nl, be, belgiumAtNl, steps);

    /// <summary>The intercepted messages: a Sky ECC dataset imported, its Antwerp part shared and pulled.</summary>
    public InterceptScenario Intercepts { get; } = new(nl, be, belgiumAtNl, steps, interceptedMessages);

    public async Task RunAsync()
    {
        Console.WriteLine("Operation Argus — action day 9 March 2021");
        await steps.RunAsync("A call without a token is refused (Unauthenticated)", async () =>
        {
            try
            {
                await anonymous.Operations.ListOperationsAsync(new ListOperationsRequest());
                Check(false, "the service answered a caller without a token");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
            {
                Check(ex.Status.Detail.Contains("No access token", StringComparison.Ordinal), $"the refusal does not say why: \"{ex.Status.Detail}\"");
            }
        });
        await steps.RunAsync("Connectivity check NL → BE with the Dutch service's own credentials", async () =>
        {
            var check = await nl.Connectivity.CheckPartnerAsync(new CheckPartnerRequest { Partner = AgencyCode.Be });
            Check(check.Reachable, $"Belgium unreachable from the Netherlands: {check.Error}");
            Console.WriteLine($"        Belgium at {check.Address} saw {check.SeenAs.ClientId} acting for {check.SeenAs.ClientAgency.ToUpperInvariant()} (certificate-bound: {check.SeenAs.CertificateThumbprint.Length > 0}) in {check.Latency.ToTimeSpan().TotalMilliseconds:N1} ms");
        });
        await steps.RunAsync("NL opens operation Argus (parketnummer 10/960071-21)",
            () => OpenOperationAsync(nl, "nl", "10/960071-21", "Netherlands: Wetboek van Strafvordering art. 126uba; JIT agreement NL–BE"));
        await steps.RunAsync("BE opens operation Argus (notitienummer AN.55.L1.012345/21)",
            () => OpenOperationAsync(be, "be", "AN.55.L1.012345/21", "Belgium: Wetboek van Strafvordering art. 90ter; JIT agreement NL–BE"));

        var nlSearches = await steps.RunAsync("NL records 75 house searches in Rotterdam and The Hague",
            () => RecordSearchesAsync(nl, "nl", 75, i => i % 5 < 3 ? Address(Rotterdam, RotterdamStreets, i, "30") : Address(TheHague, HagueStreets, i, "25"),
                "rechter-commissaris Rotterdam")) ?? [];
        var nlArrests = await steps.RunAsync("NL records 30 arrests, each tied to its search",
            () => RecordArrestsAsync(nl, "nl", 30, nlSearches, SyntheticPeople.Dutch, "Opiumwet art. 10a", "Voorbereiding van invoer van cocaïne",
                "Wetboek van Strafvordering art. 54")) ?? [];
        await steps.RunAsync("NL records 28 seized firearms",
            () => RecordEvidenceAsync(nl, "nl-firearm", 28, nlSearches, nlArrests, i => (EvidenceCategory.Firearm, $"Pistol, semi-automatic, exhibit {i + 1}", 1, QuantityUnit.Piece)));
        await steps.RunAsync("NL records 12 drug seizures and 2 drug labs",
            () => RecordEvidenceAsync(nl, "nl-drugs", 14, nlSearches, nlArrests, i => i < 12
                ? (EvidenceCategory.Drugs, "Cocaine, in blocks of about 1 kg", 150 + i * 37.5, QuantityUnit.Kilogram)
                : (EvidenceCategory.DrugLab, "Crystal meth production site, dismantled", 1, QuantityUnit.Piece)));

        var beSearches = await steps.RunAsync("BE records 200 house searches in Antwerp",
            () => RecordSearchesAsync(be, "be", 200, i => Address(Antwerp, AntwerpStreets, i, "20"), "onderzoeksrechter Antwerpen")) ?? [];
        await steps.RunAsync("BE records 48 arrests",
            () => RecordArrestsAsync(be, "be", 48, beSearches, SyntheticPeople.Belgian, "Wet 24-02-1921 art. 2bis", "Invoer en handel in verdovende middelen",
                "Wet op de voorlopige hechtenis art. 1"));

        await steps.RunAsync("An arrest with an invalid BSN is refused, naming the field", () => InvalidBsnIsRefusedAsync(nl));
        await steps.RunAsync("A retried create returns the first record, not a duplicate", () => RetryIsIdempotentAsync(nl, nlArrests, firstArrestRequest));
        await steps.RunAsync("A custody update with the current etag succeeds; with a stale etag it is refused", () => StaleEtagIsRefusedAsync(nl, nlArrests));

        var nlEvidence = (await steps.RunAsync("NL lists its evidence of Argus", async () =>
            (await nl.Evidence.ListEvidenceItemsAsync(new ListEvidenceItemsRequest { Parent = $"operations/{OperationId}", PageSize = 1000 })).EvidenceItems.ToList())) ?? [];
        var shared = nlArrests.Select(a => a.Name).Concat(nlEvidence.Select(e => e.Name)).ToList();
        await steps.RunAsync($"NL shares its {nlArrests.Count} arrests and {nlEvidence.Count} evidence items with Belgium under H2", () => ShareAsync(shared));
        await steps.RunAsync("Belgium's replica receives them through RabbitMQ, marked foreign (owner NL, H2)", async () =>
        {
            var started = DateTime.UtcNow;
            var copies = await WaitForCopiesAsync(c => shared.All(name => c.ContainsKey(name)), $"all {shared.Count} shared records");
            var mine = shared.Select(name => copies[name]).ToList();
            Check(mine.All(c => c.Owner == AgencyCode.Nl && c.HandlingCode == HandlingCode.H2 && c.ReceiveTime is not null), "a copy is not marked as NL's under H2");
            Console.WriteLine($"        {mine.Count} copies in Belgium's replica ({(DateTime.UtcNow - started).TotalSeconds:N1} s after the last share)");
        });
        await steps.RunAsync("Belgium reads the shared Dutch arrests with a justification", async () =>
        {
            var justified = new Metadata { { "x-argus-justification", "Antwerp suspects linked by Sky ECC handles" } };
            var listed = await belgiumAtNl.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = $"operations/{OperationId}", PageSize = 100 }, justified);
            Check(listed.Arrests.Count == 30, $"Belgium sees {listed.Arrests.Count} of the 30 Dutch arrests");
            var one = await belgiumAtNl.Arrests.GetArrestAsync(new GetArrestRequest { Name = listed.Arrests[0].Name }, justified);
            Check(one.Arrest.Name == listed.Arrests[0].Name, "the shared arrest did not read back");
        });
        await steps.RunAsync("A JIT-wide tool (acting for no agency) reads at both agencies, justified in UTF-8, and may not write", async () =>
        {
            var justified = Justification.Of("Overzicht actiedag Rotterdam–Liège");
            var dutchArrests = await jit.AtNl.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = $"operations/{OperationId}", PageSize = 100 }, justified);
            var belgianArrests = await jit.AtBe.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = $"operations/{OperationId}", PageSize = 100 }, justified);
            Check(dutchArrests.Arrests.Count == 30 && belgianArrests.Arrests.Count == 48,
                $"the JIT-wide tool saw {dutchArrests.Arrests.Count} Dutch and {belgianArrests.Arrests.Count} Belgian arrests (30 and 48 expected)");
            try
            {
                await jit.AtNl.Operations.CreateOperationAsync(new CreateOperationRequest
                {
                    OperationId = "jit-written",
                    Operation = new Operation { CodeName = "Not allowed", InternalCaseNumber = "10/000001-21", LeadAgency = AgencyCode.Nl, LegalBasis = "none" },
                });
                Check(false, "a client acting for no agency recorded an operation");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
            }
        });
        await steps.RunAsync("Belgium reading without a justification is refused", async () =>
        {
            try
            {
                await belgiumAtNl.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = $"operations/{OperationId}" });
                Check(false, "an unjustified read was answered");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
            {
            }
        });
        await steps.RunAsync("Belgium passing the H2 records on is refused (PermissionDenied)", async () =>
        {
            try
            {
                await belgiumAtNl.Exchange.ShareRecordAsync(new ShareRecordRequest
                {
                    Share = new Share { Record = $"operations/{OperationId}", Recipient = AgencyCode.Nl, Handling = new Handling { Code = HandlingCode.H2 }, Purpose = "onward" },
                });
                Check(false, "onward sharing was accepted");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
            }
        });

        await steps.RunAsync("NL records a Sky ECC user arrested at the port under its own case, not shared", () => PortArrestAsync());
        var hit = await steps.RunAsync("Belgium's hit/no-hit on that Sky ECC handle: a hit and a reference, nothing more", async () =>
        {
            var justified = new Metadata { { "x-argus-justification", "Handle seen in Antwerp port messages (Sky ECC)" } };
            var answer = await belgiumAtNl.Lookup.LookupAsync(new LookupRequest { Handle = new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = PortHandle } }, justified);
            Check(answer.Hit && answer.Reference.StartsWith("lookups/", StringComparison.Ordinal), "no hit on the port handle");
            var miss = await belgiumAtNl.Lookup.LookupAsync(new LookupRequest { Handle = new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = "SKY-UNKNOWN" } }, justified);
            Check(!miss.Hit && miss.Reference.Length == 0, "a hit on an unknown handle");
            return answer.Reference;
        });
        await steps.RunAsync("Belgium asks for the details; an NL officer approves; the arrest reaches Belgium's replica", async () =>
        {
            var justified = new Metadata { { "x-argus-justification", "Identify the Sky ECC user in the Antwerp port case" } };
            var followUp = (await belgiumAtNl.Lookup.CreateFollowUpAsync(new CreateFollowUpRequest
            {
                Parent = hit ?? "",
                FollowUp = new FollowUp { Purpose = "Identify the Sky ECC user in the Antwerp port case" },
            }, justified)).FollowUp;
            var decided = (await nl.Lookup.DecideFollowUpAsync(new DecideFollowUpRequest
            {
                Name = followUp.Name,
                Approve = true,
                Reason = "Same network as JIT Argus; officer on duty, Rotterdam",
                Handling = new Handling { Code = HandlingCode.H2 },
            })).FollowUp;
            Check(decided.State == FollowUpState.Approved && decided.Shares.Count == 1, $"the follow-up is {decided.State} with {decided.Shares.Count} shares");
            var arrest = portArrest ?? throw new InvalidOperationException("the port arrest was not recorded");
            await WaitForCopiesAsync(c => c.ContainsKey(arrest), "the approved arrest");
        });
        await steps.RunAsync("NL corrects a shared arrest (Art. 7(3)); Belgium's copy follows", async () =>
        {
            var current = (await nl.Arrests.GetArrestAsync(new GetArrestRequest { Name = nlArrests[2].Name })).Arrest;
            var corrected = (await nl.Arrests.UpdateArrestAsync(new UpdateArrestRequest
            {
                Arrest = new Arrest { Name = current.Name, Etag = current.Etag, CustodyStatus = current.CustodyStatus == CustodyStatus.Released ? CustodyStatus.InCustody : CustodyStatus.Released },
                UpdateMask = new FieldMask { Paths = { "custody_status" } },
            })).Arrest;
            var copies = await WaitForCopiesAsync(c => c.TryGetValue(corrected.Name, out var copy) && copy.Arrest.Etag == corrected.Etag, "the corrected arrest");
            Check(copies[corrected.Name].Arrest.Equals(corrected), "Belgium's copy differs from the corrected arrest");
        });

        await Evidence.RunAsync($"operations/{OperationId}");
        await Intercepts.RunAsync($"operations/{OperationId}");

        await steps.RunAsync("Each service's lists match what was recorded", async () =>
        {
            Summary.Netherlands = await CountAsync(nl);
            Summary.Belgium = await CountAsync(be);
            Check(Summary.Netherlands.Searches == 75 && Summary.Netherlands.Arrests == 30 && Summary.Netherlands.Firearms == 28
                  && Summary.Netherlands.DrugSeizures == 12 && Summary.Netherlands.DrugLabs == 2, $"NL holds {Summary.Netherlands}");
            Check(Summary.Belgium.Searches == 200 && Summary.Belgium.Arrests == 48, $"BE holds {Summary.Belgium}");
        });
    }

    private const string PortHandle = "SKY-NLPORT7";
    private const string PortOperationId = "argus-port";
    private string? portArrest;

    private async Task ShareAsync(List<string> records)
    {
        var existing = (await nl.Exchange.ListSharesAsync(new ListSharesRequest { Parent = $"operations/{OperationId}" })).Shares
            .Where(s => s.Recipient == AgencyCode.Be && s.RevokeTime is null)
            .Select(s => s.Record)
            .ToHashSet();
        foreach (var record in records.Where(r => !existing.Contains(r)))
        {
            await nl.Exchange.ShareRecordAsync(new ShareRecordRequest
            {
                Share = new Share
                {
                    Record = record,
                    Recipient = AgencyCode.Be,
                    Handling = new Handling { Code = HandlingCode.H2 },
                    Purpose = "JIT Argus: Belgian follow-up of the Dutch arrests and seizures",
                },
            });
        }
    }

    /// <summary>Belgium's copies of Dutch records by record name, once <paramref name="done"/> holds (60 s at most).</summary>
    private async Task<Dictionary<string, ForeignRecord>> WaitForCopiesAsync(Func<Dictionary<string, ForeignRecord>, bool> done, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var copies = new Dictionary<string, ForeignRecord>();
            var token = "";
            do
            {
                var page = await be.Replica.ListForeignRecordsAsync(new ListForeignRecordsRequest { Owner = AgencyCode.Nl, PageSize = 1000, PageToken = token });
                foreach (var copy in page.ForeignRecords)
                {
                    copies[copy.Record] = copy;
                }

                token = page.NextPageToken;
            }
            while (token.Length > 0);
            if (done(copies))
            {
                return copies;
            }

            Check(DateTime.UtcNow < until, $"Belgium's replica did not receive {what} within 60 s (it holds {copies.Count} Dutch records)");
            await Task.Delay(100);
        }
    }

    private async Task PortArrestAsync()
    {
        try
        {
            await nl.Operations.CreateOperationAsync(new CreateOperationRequest
            {
                OperationId = PortOperationId,
                RequestId = RequestId("nl-port-operation"),
                Operation = new Operation
                {
                    CodeName = "Argus haven",
                    InternalCaseNumber = "10/960072-21",
                    LeadAgency = AgencyCode.Nl,
                    ParticipatingAgencies = { AgencyCode.Nl },
                    LegalBasis = "Netherlands: Wetboek van Strafvordering art. 126uba",
                    Status = OperationStatus.Active,
                    StartTime = Timestamp.FromDateTimeOffset(ActionDay.AddMonths(-6)),
                    Handling = new Handling { Code = HandlingCode.H2 },
                    Classification = Classification.Confidential,
                },
            });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
        {
            // run.sh ran before on the same data
        }

        var subject = SyntheticPeople.Dutch(500);
        subject.CommunicationIdentifiers.Clear();
        subject.CommunicationIdentifiers.Add(new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = PortHandle });
        portArrest = (await nl.Arrests.CreateArrestAsync(new CreateArrestRequest
        {
            Parent = $"operations/{PortOperationId}",
            RequestId = RequestId("nl-port-arrest"),
            Arrest = new Arrest
            {
                Subject = subject,
                ArrestTime = Timestamp.FromDateTimeOffset(ActionDay),
                Place = Rotterdam,
                Offences = { new Offence { Code = "Opiumwet art. 10a", Description = "Voorbereiding van invoer van cocaïne via de haven" } },
                LegalBasis = "Wetboek van Strafvordering art. 54",
                CustodyStatus = CustodyStatus.InCustody,
                Handling = new Handling { Code = HandlingCode.H2 },
            },
        })).Arrest.Name;
    }

    private static async Task<Operation> OpenOperationAsync(AgencyClient agency, string step, string caseNumber, string legalBasis)
    {
        var operation = new Operation
        {
            CodeName = "Argus",
            InternalCaseNumber = caseNumber,
            LeadAgency = AgencyCode.Nl,
            ParticipatingAgencies = { AgencyCode.Nl, AgencyCode.Be },
            LegalBasis = legalBasis,
            Status = OperationStatus.Active,
            StartTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2019, 6, 1, 0, 0, 0, TimeSpan.Zero)),
            Handling = new Handling { Code = HandlingCode.H2 },
            Classification = Classification.Confidential,
            Description = "Sky ECC: organised drug trafficking through the port of Antwerp and Rotterdam.",
        };
        var created = (await agency.Operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = OperationId,
            Operation = operation,
            RequestId = RequestId($"{step}/operation"),
        })).Operation;
        var read = (await agency.Operations.GetOperationAsync(new GetOperationRequest { Name = created.Name })).Operation;
        Check(read.Equals(created) && read.InternalCaseNumber == caseNumber, $"{created.Name} reads back differently");
        return created;
    }

    private static async Task<List<HouseSearch>> RecordSearchesAsync(AgencyClient agency, string step, int count, Func<int, Location> address, string authorisedBy)
    {
        return await ForEachAsync(count, async i =>
        {
            var created = (await agency.HouseSearches.CreateHouseSearchAsync(new CreateHouseSearchRequest
            {
                Parent = $"operations/{OperationId}",
                RequestId = RequestId($"{step}/search/{i}"),
                HouseSearch = new HouseSearch
                {
                    Address = address(i),
                    SearchTime = Timestamp.FromDateTimeOffset(ActionDay.AddMinutes(i % 40)),
                    WarrantReference = $"RC-{step.ToUpperInvariant()}-2021-{1000 + i}",
                    AuthorisedBy = authorisedBy,
                    ResultSummary = i % 4 == 0 ? "Nothing of interest found." : "Sky ECC devices, cash and documents seized.",
                    Handling = new Handling { Code = HandlingCode.H2 },
                },
            })).HouseSearch;
            var read = (await agency.HouseSearches.GetHouseSearchAsync(new GetHouseSearchRequest { Name = created.Name })).HouseSearch;
            Check(read.Equals(created), $"{created.Name} reads back differently");
            return created;
        });
    }

    private async Task<List<Arrest>> RecordArrestsAsync(AgencyClient agency, string step, int count, List<HouseSearch> searches,
        Func<int, Person> person, string offenceCode, string offence, string legalBasis)
    {
        Check(searches.Count >= count, "the house searches were not recorded");
        return await ForEachAsync(count, async i =>
        {
            var search = searches[i * searches.Count / count];
            var request = new CreateArrestRequest
            {
                Parent = $"operations/{OperationId}",
                RequestId = RequestId($"{step}/arrest/{i}"),
                Arrest = new Arrest
                {
                    Subject = person(i),
                    ArrestTime = Timestamp.FromDateTimeOffset(search.SearchTime.ToDateTimeOffset().AddMinutes(20)),
                    Place = search.Address,
                    Offences = { new Offence { Code = offenceCode, Description = offence } },
                    LegalBasis = legalBasis,
                    CustodyStatus = CustodyStatus.InCustody,
                    HouseSearch = search.Name,
                    Handling = new Handling { Code = HandlingCode.H2 },
                },
            };
            if (i == 0)
            {
                firstArrestRequest ??= request.Clone();
            }

            var created = (await agency.Arrests.CreateArrestAsync(request)).Arrest;
            var read = (await agency.Arrests.GetArrestAsync(new GetArrestRequest { Name = created.Name })).Arrest;
            Check(read.Equals(created), $"{created.Name} reads back differently");
            return created;
        });
    }

    private static async Task<List<EvidenceItem>> RecordEvidenceAsync(AgencyClient agency, string step, int count, List<HouseSearch> searches, List<Arrest> arrests,
        Func<int, (EvidenceCategory Category, string Description, double Amount, QuantityUnit Unit)> item)
    {
        Check(searches.Count > 0 && arrests.Count > 0, "the searches and arrests were not recorded");
        return await ForEachAsync(count, async i =>
        {
            var (category, description, amount, unit) = item(i);
            var arrest = arrests[i % arrests.Count];
            var created = (await agency.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest
            {
                Parent = $"operations/{OperationId}",
                RequestId = RequestId($"{step}/{i}"),
                EvidenceItem = new EvidenceItem
                {
                    ExhibitNumber = $"{step.ToUpperInvariant()}-{i + 1:D3}",
                    Category = category,
                    Description = description,
                    Quantity = new Quantity { Amount = amount, Unit = unit },
                    SeizeTime = arrest.ArrestTime,
                    SeizedAt = arrest.Place,
                    HouseSearch = arrest.HouseSearch,
                    Arrest = arrest.Name,
                    StorageLocation = "Forensisch depot, Rijswijk",
                    Status = EvidenceStatus.InStorage,
                    Handling = new Handling { Code = HandlingCode.H2 },
                },
            })).EvidenceItem;
            var read = (await agency.Evidence.GetEvidenceItemAsync(new GetEvidenceItemRequest { Name = created.Name })).EvidenceItem;
            Check(read.Equals(created), $"{created.Name} reads back differently");
            return created;
        });
    }

    private static async Task InvalidBsnIsRefusedAsync(AgencyClient agency)
    {
        var subject = SyntheticPeople.Dutch(999);
        subject.NationalIdentifier.Value = "123456789"; // fails the 11-test
        try
        {
            await agency.Arrests.CreateArrestAsync(new CreateArrestRequest
            {
                Parent = $"operations/{OperationId}",
                Arrest = new Arrest
                {
                    Subject = subject,
                    ArrestTime = Timestamp.FromDateTimeOffset(ActionDay),
                    Place = Rotterdam,
                    Offences = { new Offence { Code = "Opiumwet art. 10", Description = "Handel in harddrugs" } },
                    LegalBasis = "Wetboek van Strafvordering art. 54",
                    CustodyStatus = CustodyStatus.InCustody,
                    Handling = new Handling { Code = HandlingCode.H2 },
                },
            });
            Check(false, "the arrest was accepted");
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            var violations = ex.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? [];
            Check(violations.Any(v => v.Field == "arrest.subject.national_identifier.value"), $"no violation named the BSN field: {ex.Status.Detail}");
        }
    }

    private static async Task RetryIsIdempotentAsync(AgencyClient agency, List<Arrest> arrests, CreateArrestRequest? firstRequest)
    {
        Check(arrests.Count > 0 && firstRequest is not null, "no arrests were recorded");
        var again = (await agency.Arrests.CreateArrestAsync(firstRequest!)).Arrest;
        Check(again.Name == arrests[0].Name, $"the retry created {again.Name} next to {arrests[0].Name}");
    }

    private static async Task StaleEtagIsRefusedAsync(AgencyClient agency, List<Arrest> arrests)
    {
        Check(arrests.Count > 1, "no arrests were recorded");
        var current = (await agency.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrests[1].Name })).Arrest;
        var mask = new FieldMask { Paths = { "custody_status" } };
        var updated = (await agency.Arrests.UpdateArrestAsync(new UpdateArrestRequest
        {
            Arrest = new Arrest { Name = current.Name, Etag = current.Etag, CustodyStatus = CustodyStatus.PreTrialDetention },
            UpdateMask = mask,
        })).Arrest;
        Check(updated.CustodyStatus == CustodyStatus.PreTrialDetention && updated.Etag != current.Etag, "the update did not take");
        try
        {
            await agency.Arrests.UpdateArrestAsync(new UpdateArrestRequest
            {
                Arrest = new Arrest { Name = current.Name, Etag = current.Etag, CustodyStatus = CustodyStatus.Released },
                UpdateMask = mask,
            });
            Check(false, "the stale update was accepted");
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Aborted)
        {
        }
    }

    private static async Task<AgencyTotals> CountAsync(AgencyClient agency)
    {
        const string parent = $"operations/{OperationId}";
        var searches = await ListAllAsync(token => agency.HouseSearches.ListHouseSearchesAsync(new ListHouseSearchesRequest { Parent = parent, PageSize = 100, PageToken = token }).ResponseAsync,
            page => (page.HouseSearches.Count, page.NextPageToken));
        var arrests = await ListAllAsync(token => agency.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = parent, PageSize = 100, PageToken = token }).ResponseAsync,
            page => (page.Arrests.Count, page.NextPageToken));
        var items = new List<EvidenceItem>();
        await ListAllAsync(async token =>
        {
            var page = await agency.Evidence.ListEvidenceItemsAsync(new ListEvidenceItemsRequest { Parent = parent, PageSize = 100, PageToken = token });
            items.AddRange(page.EvidenceItems);
            return page;
        }, page => (page.EvidenceItems.Count, page.NextPageToken));
        return new AgencyTotals(searches, arrests,
            items.Count(i => i.Category == EvidenceCategory.Firearm),
            items.Count(i => i.Category == EvidenceCategory.Drugs),
            items.Where(i => i.Category == EvidenceCategory.Drugs && i.Quantity.Unit == QuantityUnit.Kilogram).Sum(i => i.Quantity.Amount),
            items.Count(i => i.Category == EvidenceCategory.DrugLab));
    }

    private static async Task<int> ListAllAsync<TPage>(Func<string, Task<TPage>> list, Func<TPage, (int Count, string Next)> read)
    {
        var total = 0;
        var token = "";
        do
        {
            var (count, next) = read(await list(token));
            total += count;
            token = next;
        }
        while (token.Length > 0);
        return total;
    }

    private static Location Address(Location city, string[] streets, int i, string postalPrefix) => new(city)
    {
        StreetAddress = $"{streets[i % streets.Length]} {10 + i}",
        PostalCode = $"{postalPrefix}{i % 90 + 10:D2}",
    };

    /// <summary>Creates in parallel, a few at a time, keeping the results in index order.</summary>
    private static async Task<List<T>> ForEachAsync<T>(int count, Func<int, Task<T>> create)
    {
        var results = new T[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => results[i] = await create(i));
        return [.. results];
    }
}

/// <summary>A JIT-wide tool's connections: a client that acts for no agency, at each agency's service.</summary>
internal sealed record JitWideTool(AgencyClient AtNl, AgencyClient AtBe);
