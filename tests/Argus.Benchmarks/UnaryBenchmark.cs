using System.Text.Json;
using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Arrests.V1;
using Argus.Bench.V1;
using Argus.Common.V1;
using Argus.Netherlands;
using Argus.Operations.V1;
using Argus.Testing;
using Google.Protobuf.WellKnownTypes;
using Argus.Client;
using Grpc.Core;
using Grpc.Net.Client;

namespace Argus.Benchmarks;

/// <summary>
/// bench.sh unary: a bare echo (the ceiling), GetArrest, and CreateArrest on SQLite and on
/// PostgreSQL — all with the same client, channel settings and concurrency, over HTTP/2 on loopback.
/// </summary>
internal static class UnaryBenchmark
{
    public static async Task<int> RunAsync(BenchmarkSettings settings)
    {
        Console.WriteLine($"unary: {settings.Concurrency} concurrent callers, {settings.Duration.TotalSeconds:N0} s per run, {Environment.ProcessorCount} cores, TLS everywhere");
        await using var identity = await RunningIdentity.StartAsync();
        var caller = await identity.RegisterAsync("bench", [ArgusAudiences.Agency("nl")],
            [ArgusScopes.OperationsRead, ArgusScopes.OperationsWrite, ArgusScopes.ArrestsRead, ArgusScopes.ArrestsWrite]);
        await using var echo = await EchoServer.StartAsync();
        await using var sqlite = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, caller);
        await using var unauthenticated = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, caller: null, own: null, partners: null,
            "--environment=Development", "--Argus:Auth:DisableForBenchmarks=true");
        await using var postgres = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, caller);
        await using var raw = await RawTransactions.CreateAsync(await TestPostgres.CreateDatabaseAsync("raw"));

        // The same client for every target: TLS trusting the CA, the caller's certificate in the
        // handshake, HTTP/2; the agency services add a bound token per call.
        using var tokens = new AccessTokenSource(caller);
        var echoInvoker = Invoker(echo.Address, caller, out var echoChannel);
        using var disposeEcho = echoChannel;
        using var sqliteClient = sqlite.ClientFor(caller, tokens);
        using var postgresClient = postgres.ClientFor(caller, tokens);
        var plainInvoker = Invoker(unauthenticated.Address, caller, out var plainChannel);
        using var disposePlain = plainChannel;

        var echoClient = new EchoService.EchoServiceClient(echoInvoker);
        var echoRequest = new EchoRequest { Name = "operations/argus/arrests/0190f1c2-aaaa-7bbb-8ccc-123456789abc" };
        var sqliteParent = await OpenOperationAsync(sqliteClient.Operations);
        var postgresParent = await OpenOperationAsync(postgresClient.Operations);
        var arrest = (await sqliteClient.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = sqliteParent, Arrest = NewArrest() })).Arrest;
        var get = new GetArrestRequest { Name = arrest.Name };
        var plainArrests = new ArrestService.ArrestServiceClient(plainInvoker);
        var plainParent = await OpenOperationAsync(new OperationService.OperationServiceClient(plainInvoker));
        var plainGet = new GetArrestRequest { Name = (await plainArrests.CreateArrestAsync(new CreateArrestRequest { Parent = plainParent, Arrest = NewArrest() })).Arrest.Name };

        var calls = new (string Name, Func<int, Task> Call)[]
        {
            ("echo (TLS)", _ => echoClient.EchoAsync(echoRequest).ResponseAsync),
            ("GetArrest (TLS, bound token)", _ => sqliteClient.Arrests.GetArrestAsync(get).ResponseAsync),
            ("GetArrest (TLS, no auth)", _ => plainArrests.GetArrestAsync(plainGet).ResponseAsync),
            ("CreateArrest (SQLite)", _ => sqliteClient.Arrests.CreateArrestAsync(Create(sqliteParent)).ResponseAsync),
            ("CreateArrest (PostgreSQL)", _ => postgresClient.Arrests.CreateArrestAsync(Create(postgresParent)).ResponseAsync),
            ("raw 2-row insert tx (PostgreSQL)", _ => raw.InsertTwoRowsAsync()),
        };

        // Warm every path first (JIT tiering, connection pools, caches, tokens), so no run pays
        // for the one before it; then measure each in turn.
        foreach (var (name, call) in calls)
        {
            await LoadRun.MeasureAsync(name, settings.Concurrency, TimeSpan.Zero, settings.Warmup, call);
        }

        var results = new List<LoadResult>();
        foreach (var (name, call) in calls)
        {
            results.Add(Print(await LoadRun.MeasureAsync(name, settings.Concurrency, TimeSpan.Zero, settings.Duration, call)));
        }

        var echoRps = results[0].RequestsPerSecond;
        var getRps = results[1].RequestsPerSecond;
        var plainRps = results[2].RequestsPerSecond;
        var validationMicroseconds = 2 * 1e6 / getRps - 2 * 1e6 / plainRps; // CPU-seconds per call on 2 cores, difference
        var rawRps = results[5].RequestsPerSecond;
        var createRatio = results[4].RequestsPerSecond / rawRps;
        var peakRssMb = Environment.WorkingSet / 1e6;
        using (var self = System.Diagnostics.Process.GetCurrentProcess())
        {
            peakRssMb = self.PeakWorkingSet64 / 1e6;
        }

        Console.WriteLine($"GetArrest / echo = {getRps / echoRps:N2} (target ≥ 0.60); token validation costs {1 - getRps / plainRps:P0} of GetArrest throughput (≈ {validationMicroseconds:N0} µs of CPU per call)");
        Console.WriteLine($"CreateArrest (PostgreSQL) / raw 2-row insert tx = {createRatio:N2} (target ≥ 0.50); peak RSS of this process (identity, three agency services, clients) {peakRssMb:N0} MB");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "unary",
            concurrency = settings.Concurrency,
            tls = true,
            echo_rps = Math.Round(echoRps),
            get_arrest_rps = Math.Round(getRps),
            get_arrest_no_auth_rps = Math.Round(plainRps),
            create_arrest_sqlite_rps = Math.Round(results[3].RequestsPerSecond),
            create_arrest_postgres_rps = Math.Round(results[4].RequestsPerSecond),
            raw_two_row_tx_postgres_rps = Math.Round(rawRps),
            get_to_echo_ratio = Math.Round(getRps / echoRps, 3),
            create_to_raw_tx_ratio = Math.Round(createRatio, 3),
            peak_rss_mb = Math.Round(peakRssMb),
            peak_rss_of = "the benchmark process: identity server, three agency services and the clients, in-process",
            token_validation_cpu_us = Math.Round(validationMicroseconds, 1),
            echo_p50_ms = Math.Round(results[0].P50Ms, 3),
            echo_p99_ms = Math.Round(results[0].P99Ms, 3),
            get_arrest_p50_ms = Math.Round(results[1].P50Ms, 3),
            get_arrest_p99_ms = Math.Round(results[1].P99Ms, 3),
            get_arrest_no_auth_p99_ms = Math.Round(results[2].P99Ms, 3),
            create_arrest_sqlite_p50_ms = Math.Round(results[3].P50Ms, 3),
            create_arrest_sqlite_p99_ms = Math.Round(results[3].P99Ms, 3),
            create_arrest_postgres_p50_ms = Math.Round(results[4].P50Ms, 3),
            create_arrest_postgres_p99_ms = Math.Round(results[4].P99Ms, 3),
        }));
        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    private static CreateArrestRequest Create(string parent) =>
        new() { Parent = parent, Arrest = NewArrest(), RequestId = Guid.NewGuid().ToString() };

    private static LoadResult Print(LoadResult result)
    {
        Console.WriteLine(result);
        return result;
    }

    /// <summary>
    /// The client every target gets: ArgusChannel with TLS, the caller's certificate and default
    /// deadlines; the authenticated agency clients add the bearer token on top.
    /// </summary>
    private static CallInvoker Invoker(Uri address, ClientCredentials caller, out GrpcChannel channel) =>
        ArgusChannel.Create(address, new ArgusChannelOptions { Credentials = caller }, [], out channel);

    internal static Operation NewOperation() => new()
    {
        CodeName = "Argus",
        InternalCaseNumber = "10/960071-21",
        LeadAgency = AgencyCode.Nl,
        ParticipatingAgencies = { AgencyCode.Nl, AgencyCode.Be },
        LegalBasis = "JIT agreement NL–BE",
        Status = OperationStatus.Active,
        StartTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2019, 6, 1, 0, 0, 0, TimeSpan.Zero)),
        Handling = new Handling { Code = HandlingCode.H2 },
        Classification = Classification.Confidential,
    };

    private static async Task<string> OpenOperationAsync(OperationService.OperationServiceClient operations)
    {
        var created = await operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = "bench-" + Guid.NewGuid().ToString("N")[..8],
            Operation = NewOperation(),
        });
        return created.Operation.Name;
    }

    /// <summary>One of ~11,000 accounts, as in the case: every arrest on one handle would make each insert contend for one index page.</summary>
    private static string SkyHandle() => $"SKY-{Random.Shared.Next(11_000):X5}";

    internal static Arrest NewArrest() => new()
    {
        Subject = new Person
        {
            GivenNames = "Jeroen",
            FamilyName = "de Vries",
            DateOfBirth = new CalendarDate { Year = 1985, Month = 7, Day = 15 },
            Nationalities = { "NL" },
            NationalIdentifier = new NationalIdentifier { Country = "NL", Value = "111222333" },
            Category = DataSubjectCategory.Suspect,
            CommunicationIdentifiers = { new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = SkyHandle() } },
        },
        ArrestTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2021, 3, 9, 5, 20, 0, TimeSpan.Zero)),
        Place = new Location { StreetAddress = "Coolsingel 40", Municipality = "Rotterdam", Country = "NL" },
        Offences = { new Offence { Code = "Opiumwet art. 10a", Description = "Voorbereiding invoer cocaïne" } },
        LegalBasis = "Wetboek van Strafvordering art. 54",
        CustodyStatus = CustodyStatus.InCustody,
        Handling = new Handling { Code = HandlingCode.H2 },
    };
}
