using Argus.Arrests.V1;
using Argus.Client;
using Argus.Common.V1;
using Argus.Evidence.V1;
using Argus.Operations.V1;
using Argus.Searches.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using static Argus.FunctionalTests.Records;

namespace Argus.FunctionalTests;

/// <summary>
/// The agency API as a partner system sees it, over a real socket. Runs once per database
/// provider (see the subclasses at the bottom).
/// </summary>
public abstract class AgencyApiTests(AgencyFixture agencies)
{
    private AgencyClient Nl => agencies.Netherlands.Client;

    private AgencyClient Be => agencies.Belgium.Client;

    private static async Task<Operation> OpenOperationAsync(AgencyClient agency, string caseNumber = "10/960071-21")
    {
        return (await agency.Operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = NewOperationId(),
            Operation = Operation(caseNumber),
        })).Operation;
    }

    [Fact]
    public async Task An_operation_reads_back_as_created_with_its_owner_and_first_etag()
    {
        var created = await OpenOperationAsync(Nl);

        var read = (await Nl.Operations.GetOperationAsync(new GetOperationRequest { Name = created.Name })).Operation;

        Assert.Equal(created, read);
        Assert.Equal(AgencyCode.Nl, read.OwnerAgency);
        Assert.Equal("10/960071-21", read.InternalCaseNumber);
        Assert.Equal([AgencyCode.Nl, AgencyCode.Be], read.ParticipatingAgencies);
        Assert.Equal("\"1\"", read.Etag);
        Assert.NotNull(read.CreateTime);
    }

    [Fact]
    public async Task An_invalid_operation_names_every_bad_field_and_writes_nothing()
    {
        var operationId = NewOperationId();
        var operation = Operation("AN.55.L1.012345/21"); // a Belgian number on the Dutch service
        operation.Handling = new Handling { Code = HandlingCode.H3 }; // without its restrictions
        operation.Status = OperationStatus.Closed; // without an end time
        operation.CodeName = "";

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Operations.CreateOperationAsync(new CreateOperationRequest { OperationId = operationId, Operation = operation }).ResponseAsync);

        Assert.Equal(
            ["operation.code_name", "operation.end_time", "operation.handling.restrictions", "operation.internal_case_number"],
            ViolatedFields(refused).Order());
        var lookup = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Operations.GetOperationAsync(new GetOperationRequest { Name = $"operations/{operationId}" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task The_belgian_service_takes_a_notitienummer_and_refuses_a_parketnummer()
    {
        var created = await OpenOperationAsync(Be, "AN.55.L1.012345/21");
        Assert.Equal(AgencyCode.Be, created.OwnerAgency);

        var refused = await Assert.ThrowsAsync<RpcException>(() => OpenOperationAsync(Be, "10/960071-21"));
        Assert.Equal(["operation.internal_case_number"], ViolatedFields(refused));
        Assert.Contains("notitienummer", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operation_id_is_taken_once()
    {
        var created = await OpenOperationAsync(Nl);
        var id = created.Name["operations/".Length..];

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Operations.CreateOperationAsync(new CreateOperationRequest { OperationId = id, Operation = Operation("10/960071-21") }).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, refused.StatusCode);
    }

    [Fact]
    public async Task Unknown_records_are_not_found_and_malformed_names_are_invalid()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Arrests.GetArrestAsync(new GetArrestRequest { Name = "operations/argus/arrests/does-not-exist" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        var malformed = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Arrests.GetArrestAsync(new GetArrestRequest { Name = "arrests/42" }).ResponseAsync);
        Assert.Equal(["name"], ViolatedFields(malformed));
    }

    [Fact]
    public async Task Recording_in_an_operation_that_does_not_exist_is_not_found()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Nl.HouseSearches.CreateHouseSearchAsync(new CreateHouseSearchRequest
        {
            Parent = $"operations/{NewOperationId()}",
            HouseSearch = HouseSearch(),
        }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task A_retried_create_returns_the_first_record_and_creates_no_duplicate()
    {
        var operation = await OpenOperationAsync(Nl);
        var request = new CreateArrestRequest { Parent = operation.Name, Arrest = Arrest(DutchSuspect()), RequestId = NewRequestId() };

        var first = (await Nl.Arrests.CreateArrestAsync(request)).Arrest;
        var retried = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Nl.Arrests.CreateArrestAsync(request).ResponseAsync));

        Assert.All(retried, r => Assert.Equal(first, r.Arrest));
        var listed = await Nl.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = operation.Name });
        Assert.Equal([first.Name], listed.Arrests.Select(a => a.Name));
    }

    [Fact]
    public async Task A_retried_registration_whose_exhibit_number_its_first_attempt_took_returns_the_first_item()
    {
        // The retry's own checks refuse it (the exhibit number is taken — by its first attempt):
        // it must still get the first result, not AlreadyExists.
        var operation = await OpenOperationAsync(Nl);
        var request = new CreateEvidenceItemRequest { Parent = operation.Name, EvidenceItem = Firearm("SVO-RETRY-1"), RequestId = NewRequestId() };

        var first = (await Nl.Evidence.CreateEvidenceItemAsync(request)).EvidenceItem;
        var retried = (await Nl.Evidence.CreateEvidenceItemAsync(request)).EvidenceItem;

        Assert.Equal(first, retried);
        var listed = await Nl.Evidence.ListEvidenceItemsAsync(new ListEvidenceItemsRequest { Parent = operation.Name });
        Assert.Equal([first.Name], listed.EvidenceItems.Select(e => e.Name));
    }

    [Fact]
    public async Task Concurrent_first_attempts_with_one_request_id_create_one_record()
    {
        var operation = await OpenOperationAsync(Nl);
        var request = new CreateHouseSearchRequest { Parent = operation.Name, HouseSearch = HouseSearch(), RequestId = NewRequestId() };

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Nl.HouseSearches.CreateHouseSearchAsync(request).ResponseAsync));

        Assert.Single(results.Select(r => r.HouseSearch.Name).Distinct());
        var listed = await Nl.HouseSearches.ListHouseSearchesAsync(new ListHouseSearchesRequest { Parent = operation.Name });
        Assert.Single(listed.HouseSearches);
    }

    [Fact]
    public async Task A_request_id_reused_for_a_different_record_is_refused()
    {
        var operation = await OpenOperationAsync(Nl);
        var requestId = NewRequestId();
        await Nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = Arrest(DutchSuspect()), RequestId = requestId });

        var other = Arrest(DutchSuspect());
        other.LegalBasis = "Something else";
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = other, RequestId = requestId }).ResponseAsync);

        Assert.Equal(["request_id"], ViolatedFields(refused));
    }

    [Theory]
    [InlineData("123456789")]
    [InlineData("12345678")]
    public async Task A_bsn_failing_the_11_test_is_refused_naming_the_field(string bsn)
    {
        var operation = await OpenOperationAsync(Nl);
        var subject = DutchSuspect();
        subject.NationalIdentifier.Value = bsn;

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = Arrest(subject) }).ResponseAsync);

        Assert.Equal(["arrest.subject.national_identifier.value"], ViolatedFields(refused));
    }

    [Theory]
    [InlineData("93.01.01-001.86", 1993, 1, 1, null)]
    [InlineData("02030445601", 2002, 3, 4, null)]
    [InlineData("02030445601", 1990, 3, 4, "arrest.subject.national_identifier.value")] // encodes another birth date
    [InlineData("93010100187", 1993, 1, 1, "arrest.subject.national_identifier.value")] // wrong check digits
    public async Task A_rijksregisternummer_is_checked_with_the_rule_for_births_from_2000(string number, int year, int month, int day, string? violatedField)
    {
        var operation = await OpenOperationAsync(Be, "AN.55.L1.012345/21");
        var subject = DutchSuspect();
        subject.DateOfBirth = new CalendarDate { Year = year, Month = month, Day = day };
        subject.NationalIdentifier = new NationalIdentifier { Country = "BE", Value = number };
        var request = new CreateArrestRequest { Parent = operation.Name, Arrest = Arrest(subject) };

        if (violatedField is null)
        {
            var created = (await Be.Arrests.CreateArrestAsync(request)).Arrest;
            Assert.Equal(number.Replace(".", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal), created.Subject.NationalIdentifier.Value);
        }
        else
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => Be.Arrests.CreateArrestAsync(request).ResponseAsync);
            Assert.Equal([violatedField], ViolatedFields(refused));
        }
    }

    [Fact]
    public async Task Victims_are_not_arrested()
    {
        var operation = await OpenOperationAsync(Nl);
        var subject = DutchSuspect();
        subject.Category = DataSubjectCategory.Victim;

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = Arrest(subject) }).ResponseAsync);

        Assert.Equal(["arrest.subject.category"], ViolatedFields(refused));
    }

    [Fact]
    public async Task An_update_applies_only_the_masked_fields_and_moves_the_etag()
    {
        var operation = await OpenOperationAsync(Nl);
        var arrest = (await Nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = Arrest(DutchSuspect()) })).Arrest;

        var updated = (await Nl.Arrests.UpdateArrestAsync(new UpdateArrestRequest
        {
            Arrest = new Arrest { Name = arrest.Name, Etag = arrest.Etag, CustodyStatus = CustodyStatus.PreTrialDetention, LegalBasis = "ignored: not in the mask" },
            UpdateMask = new FieldMask { Paths = { "custody_status" } },
        })).Arrest;

        Assert.Equal(CustodyStatus.PreTrialDetention, updated.CustodyStatus);
        Assert.Equal(arrest.LegalBasis, updated.LegalBasis);
        Assert.Equal(arrest.Subject, updated.Subject);
        Assert.Equal("\"2\"", updated.Etag);
        Assert.Equal(updated, (await Nl.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name })).Arrest);
    }

    [Fact]
    public async Task An_update_with_a_stale_etag_is_aborted_and_changes_nothing()
    {
        var operation = await OpenOperationAsync(Nl);
        var arrest = (await Nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = Arrest(DutchSuspect()) })).Arrest;
        var mask = new FieldMask { Paths = { "custody_status" } };
        await Nl.Arrests.UpdateArrestAsync(new UpdateArrestRequest { Arrest = new Arrest { Name = arrest.Name, Etag = arrest.Etag, CustodyStatus = CustodyStatus.Released }, UpdateMask = mask });

        var refused = await Assert.ThrowsAsync<RpcException>(() => Nl.Arrests.UpdateArrestAsync(new UpdateArrestRequest
        {
            Arrest = new Arrest { Name = arrest.Name, Etag = arrest.Etag, CustodyStatus = CustodyStatus.Transferred },
            UpdateMask = mask,
        }).ResponseAsync);

        Assert.Equal(StatusCode.Aborted, refused.StatusCode);
        Assert.Equal(CustodyStatus.Released, (await Nl.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name })).Arrest.CustodyStatus);
    }

    [Fact]
    public async Task Concurrent_updates_with_the_same_etag_let_exactly_one_win()
    {
        var operation = await OpenOperationAsync(Nl);
        var search = (await Nl.HouseSearches.CreateHouseSearchAsync(new CreateHouseSearchRequest { Parent = operation.Name, HouseSearch = HouseSearch() })).HouseSearch;

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                await Nl.HouseSearches.UpdateHouseSearchAsync(new UpdateHouseSearchRequest
                {
                    HouseSearch = new HouseSearch { Name = search.Name, Etag = search.Etag, ResultSummary = $"writer {i}" },
                    UpdateMask = new FieldMask { Paths = { "result_summary" } },
                });
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));

        Assert.Equal(1, attempts.Count(s => s == StatusCode.OK));
        Assert.All(attempts.Where(s => s != StatusCode.OK), s => Assert.Equal(StatusCode.Aborted, s));
        Assert.Equal("\"2\"", (await Nl.HouseSearches.GetHouseSearchAsync(new GetHouseSearchRequest { Name = search.Name })).HouseSearch.Etag);
    }

    [Fact]
    public async Task Bad_masks_and_invalid_results_are_refused_and_change_nothing()
    {
        var operation = await OpenOperationAsync(Nl);
        var arrest = (await Nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = Arrest(DutchSuspect()) })).Arrest;

        async Task<IReadOnlyList<string>> RefusedFields(Arrest change, params string[] paths)
        {
            var request = new UpdateArrestRequest { Arrest = change };
            if (paths.Length > 0)
            {
                request.UpdateMask = new FieldMask { Paths = { paths } };
            }

            return ViolatedFields(await Assert.ThrowsAsync<RpcException>(() => Nl.Arrests.UpdateArrestAsync(request).ResponseAsync));
        }

        Assert.Equal(["update_mask"], await RefusedFields(new Arrest { Name = arrest.Name }));
        Assert.Equal(["update_mask"], await RefusedFields(new Arrest { Name = arrest.Name, OwnerAgency = AgencyCode.Be }, "owner_agency"));
        Assert.Equal(["update_mask"], await RefusedFields(new Arrest { Name = arrest.Name }, "no_such_field"));
        var future = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(2));
        Assert.Equal(["arrest.arrest_time"], await RefusedFields(new Arrest { Name = arrest.Name, ArrestTime = future }, "arrest_time"));
        Assert.Equal(["arrest.offences"], await RefusedFields(new Arrest { Name = arrest.Name }, "offences"));

        Assert.Equal(arrest, (await Nl.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name })).Arrest);
    }

    [Fact]
    public async Task Links_must_name_existing_records_of_the_same_operation()
    {
        var operation = await OpenOperationAsync(Nl);
        var other = await OpenOperationAsync(Nl);
        var search = (await Nl.HouseSearches.CreateHouseSearchAsync(new CreateHouseSearchRequest { Parent = other.Name, HouseSearch = HouseSearch() })).HouseSearch;

        var elsewhere = Arrest(DutchSuspect());
        elsewhere.HouseSearch = search.Name;
        var refusedElsewhere = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = elsewhere }).ResponseAsync);
        Assert.Equal(["arrest.house_search"], ViolatedFields(refusedElsewhere));

        var missing = Arrest(DutchSuspect());
        missing.HouseSearch = $"{operation.Name}/houseSearches/{Guid.NewGuid()}";
        var refusedMissing = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = missing }).ResponseAsync);
        Assert.Equal(["arrest.house_search"], ViolatedFields(refusedMissing));
    }

    [Fact]
    public async Task Evidence_is_counted_in_fitting_units_and_exhibit_numbers_are_unique_per_operation()
    {
        var operation = await OpenOperationAsync(Nl);
        var arrest = (await Nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = Arrest(DutchSuspect()) })).Arrest;
        var firearm = Firearm("SVO-001");
        firearm.Arrest = arrest.Name;
        var created = (await Nl.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest { Parent = operation.Name, EvidenceItem = firearm })).EvidenceItem;
        Assert.Equal(arrest.Name, created.Arrest);

        var duplicate = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest { Parent = operation.Name, EvidenceItem = Firearm("SVO-001") }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);

        var weighed = Firearm("SVO-002");
        weighed.Quantity = new Quantity { Amount = 2.5, Unit = QuantityUnit.Kilogram };
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest { Parent = operation.Name, EvidenceItem = weighed }).ResponseAsync);
        Assert.Equal(["evidence_item.quantity.unit"], ViolatedFields(refused));
    }

    [Fact]
    public async Task Lists_page_through_every_record_once_and_filter_by_operation()
    {
        var operation = await OpenOperationAsync(Nl);
        var other = await OpenOperationAsync(Nl);
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await Nl.HouseSearches.CreateHouseSearchAsync(new CreateHouseSearchRequest { Parent = operation.Name, HouseSearch = HouseSearch() })).HouseSearch.Name);
        }

        var elsewhere = (await Nl.HouseSearches.CreateHouseSearchAsync(new CreateHouseSearchRequest { Parent = other.Name, HouseSearch = HouseSearch() })).HouseSearch.Name;

        var listed = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await Nl.HouseSearches.ListHouseSearchesAsync(new ListHouseSearchesRequest { Parent = operation.Name, PageSize = 3, PageToken = token });
            listed.AddRange(page.HouseSearches.Select(s => s.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(created, listed);
        Assert.Equal(3, pages);
        var everywhere = await Nl.HouseSearches.ListHouseSearchesAsync(new ListHouseSearchesRequest { Parent = "operations/-", PageSize = 1000 });
        Assert.Contains(elsewhere, everywhere.HouseSearches.Select(s => s.Name));
        Assert.Superset(created.ToHashSet(), everywhere.HouseSearches.Select(s => s.Name).ToHashSet());
    }

    [Fact]
    public async Task Absurd_page_sizes_and_foreign_page_tokens_are_refused()
    {
        var operation = await OpenOperationAsync(Nl);
        var refusedSize = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = operation.Name, PageSize = 1_000_000 }).ResponseAsync);
        Assert.Equal(["page_size"], ViolatedFields(refusedSize));

        var refusedToken = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = operation.Name, PageToken = "forged" }).ResponseAsync);
        Assert.Equal(["page_token"], ViolatedFields(refusedToken));
    }

    [Fact]
    public async Task An_oversized_message_is_refused_and_the_service_keeps_serving()
    {
        var operation = await OpenOperationAsync(Nl);
        var search = HouseSearch();
        search.ResultSummary = new string('x', 2 * 1024 * 1024);

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.HouseSearches.CreateHouseSearchAsync(new CreateHouseSearchRequest { Parent = operation.Name, HouseSearch = search }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        var listed = await Nl.HouseSearches.ListHouseSearchesAsync(new ListHouseSearchesRequest { Parent = operation.Name });
        Assert.Empty(listed.HouseSearches);
    }

    [Fact]
    public async Task A_field_over_its_length_limit_is_invalid()
    {
        var operation = await OpenOperationAsync(Nl);
        var search = HouseSearch();
        search.ResultSummary = new string('x', 4001);

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.HouseSearches.CreateHouseSearchAsync(new CreateHouseSearchRequest { Parent = operation.Name, HouseSearch = search }).ResponseAsync);

        Assert.Equal(["house_search.result_summary"], ViolatedFields(refused));
    }

    [Fact]
    public async Task An_expired_deadline_and_a_cancelled_call_end_cleanly()
    {
        var expired = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Operations.ListOperationsAsync(new ListOperationsRequest(), deadline: DateTime.UtcNow.AddMilliseconds(-1)).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, expired.StatusCode);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var cancelledCall = await Assert.ThrowsAsync<RpcException>(() =>
            Nl.Operations.ListOperationsAsync(new ListOperationsRequest(), cancellationToken: cancelled.Token).ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, cancelledCall.StatusCode);

        var health = await Nl.Health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }
}

[Trait("Database", "Sqlite")]
public sealed class AgencyApiOnSqlite(SqliteAgencies agencies) : AgencyApiTests(agencies), IClassFixture<SqliteAgencies>;

[Trait("Database", "PostgreSql")]
public sealed class AgencyApiOnPostgres(PostgresAgencies agencies) : AgencyApiTests(agencies), IClassFixture<PostgresAgencies>;
