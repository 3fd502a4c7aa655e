using System.Collections.Concurrent;
using Argus.Client.Security;
using Argus.Operations.V1;
using Argus.Testing;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Xunit.Abstractions;

namespace Argus.FunctionalTests.Hardening;

/// <summary>
/// Requests that are not what their method takes — random bytes, flipped bytes, strings that are
/// not UTF-8, huge fields, nesting past the recursion limit, wrong wire types, lengths past the
/// end — get a caller's error, briefly said, on every method; the service keeps serving and logs
/// no more than a short line now and then. Seeded, so a failure can be replayed:
/// <c>ARGUS_FUZZ_SEED=123 ARGUS_FUZZ_ITERATIONS=5000 ./deploy/local/test.sh --filter FullyQualifiedName~FuzzTests</c>.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class FuzzTests(HardeningFixture fixture, ITestOutputHelper output) : IClassFixture<HardeningFixture>
{
    /// <summary>Per method: about a minute for the ~35 methods on 2 cores, service start included.</summary>
    private const int DefaultIterations = 500;
    private const int InFlight = 8;
    private const int MaxDetailLength = 1_000;
    private const int MaxDetailsBytes = 8 * 1024;
    private const int MaxLogBytesPerRequest = 200;
    private const int ShortMessage = 300;

    /// <summary>What a request can fairly get, whatever it holds. Unknown, Internal, Unavailable, DeadlineExceeded (and the rest) are the service's fault.</summary>
    private static readonly StatusCode[] Allowed =
    [
        StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.AlreadyExists, StatusCode.PermissionDenied,
        StatusCode.Unauthenticated, StatusCode.ResourceExhausted, StatusCode.FailedPrecondition, StatusCode.Aborted, StatusCode.OutOfRange,
    ];

    [Fact]
    public async Task Seeded_malformed_requests_to_every_method_get_a_bounded_caller_error_and_leave_the_service_serving_with_a_short_log()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ARGUS_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("ARGUS_FUZZ_ITERATIONS"), out var fixedIterations) && fixedIterations > 0
            ? fixedIterations
            : DefaultIterations;
        var replay = $"fuzz seed {seed} (replay: ARGUS_FUZZ_SEED={seed} ARGUS_FUZZ_ITERATIONS={iterations})";
        var methods = RawCalls.AgencyMethods();
        output.WriteLine($"{replay}: {methods.Count} methods × {iterations} requests");
        if (methods.Count < 30 || !methods.Exists(m => m.FullName == "argus.operations.v1.OperationService.GetOperation")
            || !methods.Exists(m => m.FullName == "grpc.health.v1.Health.Check"))
        {
            Assert.Fail($"{replay}: found only these methods, not every one an agency serves: {string.Join(", ", methods.Select(m => m.FullName))}");
        }

        // The Dutch service as deployed, as its own process, logging at Information as in production.
        // Its appsettings.json names credentials (certs/argus-nl.crt, absent from the build output)
        // and a Belgian partner: with both, the replica would start and log a failed catch-up with
        // its stack trace every 10 s, and CheckPartner would fail on the missing file — neither is
        // about malformed requests. An empty client id keeps the replica off; a certificate that
        // exists and a partner address nobody listens on let CheckPartner answer "unreachable".
        var owner = await fixture.Identity.RegisterAsync("fuzz-owner", [ArgusAudiences.Agency("nl")], HardeningFixture.OwnerScopes, agency: "nl");
        var own = TestPki.IssueClientCertificate("fuzz-nl-service");
        var data = Directory.CreateTempSubdirectory("argus-fuzz-").FullName;
        await using var process = await AgencyProcess.StartAsync("Argus.Netherlands", "nl", TestPki.FreePort(), data, fixture.Identity,
            $"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}",
            "--Logging:LogLevel:Default=Information",
            "--Argus:Credentials:ClientId=",
            $"--Argus:Credentials:CertificatePath={own.Certificate}",
            $"--Argus:Credentials:KeyPath={own.Key}",
            $"--Argus:Partners:Be:Address=https://127.0.0.1:{TestPki.FreePort()}");
        using var tokens = new AccessTokenSource(owner);
        using var channel = RawChannel.Open(process.Address, owner, tokens);
        var operations = new OperationService.OperationServiceClient(channel.Invoker);
        await operations.ListOperationsAsync(new ListOperationsRequest(), new CallOptions(RawCalls.Justified("fuzz test"))); // the token, cached
        await Task.Delay(TimeSpan.FromSeconds(1)); // the start's last lines
        var logBytesBefore = process.LogBytes;
        var logLinesBefore = process.LogLines;
        var stackFramesBefore = process.StackTraceLines;

        var run = await FuzzAsync(methods, channel.Invoker, iterations, seed, RawCalls.Justified("fuzz test"));
        var summary = run.Summary;
        var total = run.Total;
        output.WriteLine($"{replay}: {total} requests in {run.Elapsed.TotalSeconds:F1} s: {summary}");
        Console.WriteLine($"fault test: fuzz: {replay}: {total} malformed requests to {methods.Count} methods in {run.Elapsed.TotalSeconds:F1} s: {summary}");
        if (!run.Failures.IsEmpty)
        {
            Assert.Fail($"{replay}: {run.Failures.Count} of {total} requests were answered wrongly; the first:{Environment.NewLine}{string.Join(Environment.NewLine, run.Failures.Take(20))}");
        }

        // The same channel still serves.
        try
        {
            var health = await new Health.HealthClient(channel.Invoker).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            if (health.Status != HealthCheckResponse.Types.ServingStatus.Serving)
            {
                Assert.Fail($"{replay}: after the run health says {health.Status}.");
            }

            await operations.ListOperationsAsync(new ListOperationsRequest(), new CallOptions(RawCalls.Justified("fuzz test"), DateTime.UtcNow.AddSeconds(10)));
        }
        catch (RpcException ex)
        {
            Assert.Fail($"{replay}: after the run the same channel no longer serves a normal call: {ex.StatusCode} {ex.Status.Detail}");
        }

        // The log: a line now and then, never a stack trace. (The console logger writes from a queue.)
        await Task.Delay(TimeSpan.FromSeconds(2));
        var grew = process.LogBytes - logBytesBefore;
        var newLines = process.LogLines - logLinesBefore;
        var stackFrames = process.StackTraceLines - stackFramesBefore;
        var recent = process.RecentLog;
        var latest = recent.Skip(recent.Count - (int)Math.Min(newLines, recent.Count)).ToList();
        output.WriteLine($"{replay}: the log grew {grew:N0} bytes in {newLines:N0} lines ({(double)grew / total:F1} bytes per request), {stackFrames} stack-trace lines");
        if (grew > (long)MaxLogBytesPerRequest * total)
        {
            Assert.Fail($"{replay}: the log grew {grew:N0} bytes over {total:N0} malformed requests, {(double)grew / total:F0} per request "
                + $"(at most {MaxLogBytesPerRequest}); its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, latest.TakeLast(30))}");
        }

        if (stackFrames > 0)
        {
            Assert.Fail($"{replay}: the log has {stackFrames} stack-trace lines from the run; among its last lines:{Environment.NewLine}"
                + string.Join(Environment.NewLine, latest.Where(AgencyProcess.IsStackFrame).Take(20)));
        }
    }

    [Fact]
    public async Task The_reported_GetOperation_request_whose_name_is_not_UTF8_gets_InvalidArgument_briefly()
    {
        // From the bug report: "operations/probe-a-20261301" with the "s" flipped to 0xB2, a byte no UTF-8 starts with.
        var request = Convert.FromHexString("0a1b6f7065726174696f6eb22f70726f62652d612d3230323631333031");
        using var tokens = new AccessTokenSource(fixture.Owner);
        using var channel = RawChannel.Open(fixture.Netherlands.Address, fixture.Owner, tokens);

        var outcome = await RawCalls.CallAsync(channel.Invoker, RawCalls.Unary("argus.operations.v1.OperationService", "GetOperation"), request,
            new CallOptions(RawCalls.Justified("bug report"), DateTime.UtcNow.AddSeconds(10)));

        AssertBriefInvalidArgument(outcome);
    }

    [Fact]
    public async Task Two_bytes_of_garbage_to_health_without_a_token_get_InvalidArgument_briefly()
    {
        using var channel = RawChannel.Open(fixture.Netherlands.Address);

        var outcome = await RawCalls.CallAsync(channel.Invoker, RawCalls.Unary("grpc.health.v1.Health", "Check"), [0xFF, 0xFF],
            new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)));

        AssertBriefInvalidArgument(outcome);
    }

    [Fact]
    public async Task The_identity_servers_admin_API_answers_undecodable_requests_InvalidArgument_briefly()
    {
        var admin = new ClientCredentials
        {
            TokenEndpoint = fixture.Identity.TokenEndpoint,
            ClientId = "argus-admin",
            ClientSecret = RunningIdentity.AdminSecret,
            CaCertificate = RunningIdentity.CaCertificate,
        };
        using var tokens = new AccessTokenSource(admin);
        using var channel = RawChannel.Open(fixture.Identity.Issuer, admin, tokens, audience: ArgusAudiences.Identity);
        var methods = RawCalls.IdentityAdminMethods();
        Assert.True(methods.Count >= 10, $"only {methods.Count} admin methods found");

        foreach (var method in methods)
        {
            // Garbage; and where field 1 is a string, one that is not UTF-8: neither decodes.
            List<byte[]> requests = [[0xFF, 0xFF]];
            if (method.InputType.FindFieldByNumber(1) is { FieldType: Google.Protobuf.Reflection.FieldType.String })
            {
                requests.Add([0x0A, 0x03, 0x61, 0xC3, 0x28]);
            }

            foreach (var request in requests)
            {
                var outcome = await RawCalls.CallAsync(channel.Invoker, RawCalls.For(method), request, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)));
                AssertBriefInvalidArgument(outcome);
            }
        }
    }

    [Fact]
    public async Task Seeded_malformed_requests_to_the_identity_servers_admin_API_get_a_bounded_caller_error()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ARGUS_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("ARGUS_FUZZ_ITERATIONS"), out var fixedIterations) && fixedIterations > 0
            ? fixedIterations
            : DefaultIterations / 2;
        var replay = $"fuzz seed {seed} (replay: ARGUS_FUZZ_SEED={seed} ARGUS_FUZZ_ITERATIONS={iterations})";
        // An identity server of its own: requests that happen to decode may register, change or disable clients.
        await using var identity = await RunningIdentity.StartAsync();
        var admin = new ClientCredentials
        {
            TokenEndpoint = identity.TokenEndpoint,
            ClientId = "argus-admin",
            ClientSecret = RunningIdentity.AdminSecret,
            CaCertificate = RunningIdentity.CaCertificate,
        };
        using var tokens = new AccessTokenSource(admin);
        using var channel = RawChannel.Open(identity.Issuer, admin, tokens, audience: ArgusAudiences.Identity);
        var methods = RawCalls.IdentityAdminMethods();

        var run = await FuzzAsync(methods, channel.Invoker, iterations, seed, new Metadata());

        Console.WriteLine($"fault test: fuzz (identity admin API): {replay}: {run.Total} malformed requests to {methods.Count} methods in {run.Elapsed.TotalSeconds:F1} s: {run.Summary}");
        if (!run.Failures.IsEmpty)
        {
            Assert.Fail($"{replay}: {run.Failures.Count} of {run.Total} requests were answered wrongly; the first:{Environment.NewLine}{string.Join(Environment.NewLine, run.Failures.Take(20))}");
        }
    }

    /// <summary>
    /// Every method <paramref name="iterations"/> times, each mangling in turn, 8 calls in flight.
    /// Every input comes from its own seed, drawn in a fixed order: the same requests whatever the
    /// calls' timing.
    /// </summary>
    private static async Task<FuzzRun> FuzzAsync(IReadOnlyList<MethodDescriptor> methods, CallInvoker invoker, int iterations, int seed, Metadata headers)
    {
        var master = new Random(seed);
        var manglings = Enum.GetValues<Mangling>();
        var raw = methods.ToDictionary(m => m.FullName, RawCalls.For);
        var cases = new ConcurrentQueue<FuzzCase>();
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            foreach (var method in methods)
            {
                cases.Enqueue(new FuzzCase(method, raw[method.FullName], iteration, manglings[iteration % manglings.Length], master.Next()));
            }
        }

        var total = cases.Count;
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        var started = DateTime.UtcNow;
        var workers = Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            while (cases.TryDequeue(out var fuzz))
            {
                var request = new RequestFuzzer(new Random(fuzz.Seed)).Create(fuzz.Descriptor.InputType, fuzz.Mangling);
                var outcome = await RawCalls.CallAsync(invoker, fuzz.Call, request, new CallOptions(headers, DateTime.UtcNow.AddSeconds(10)));
                statuses.AddOrUpdate(outcome.Code, 1, (_, count) => count + 1);
                if (Problem(outcome) is { } problem)
                {
                    failures.Enqueue($"{fuzz}: {problem}; the request: {Hex(request)}");
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"));
        return new FuzzRun(total, DateTime.UtcNow - started, summary, failures);
    }

    private sealed record FuzzRun(int Total, TimeSpan Elapsed, string Summary, ConcurrentQueue<string> Failures);

    private static void AssertBriefInvalidArgument(CallOutcome outcome)
    {
        Assert.Null(outcome.ClientError);
        Assert.Equal(StatusCode.InvalidArgument, outcome.Code);
        Assert.InRange(outcome.Detail.Length, 1, ShortMessage);
        Assert.DoesNotContain("exception", outcome.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", outcome.Detail, StringComparison.Ordinal);
    }

    /// <summary>What is wrong with an answer to a malformed request, or null.</summary>
    private static string? Problem(CallOutcome outcome)
    {
        if (outcome.ClientError is { } error)
        {
            return $"the call failed on the client with {error}";
        }

        if (!Allowed.Contains(outcome.Code))
        {
            return $"{outcome.Code} \"{Shorten(outcome.Detail)}\"";
        }

        if (outcome.Detail.Length > MaxDetailLength)
        {
            return $"{outcome.Code} with a message of {outcome.Detail.Length:N0} characters (at most {MaxDetailLength:N0}): \"{Shorten(outcome.Detail)}\"";
        }

        if (outcome.DetailsBytes > MaxDetailsBytes)
        {
            return $"{outcome.Code} with {RawCalls.DetailsTrailer} of {outcome.DetailsBytes:N0} bytes (at most {MaxDetailsBytes:N0})";
        }

        if (outcome.Detail.Contains("   at ", StringComparison.Ordinal))
        {
            return $"{outcome.Code} with a stack trace in its message: \"{Shorten(outcome.Detail)}\"";
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");

    private static string Hex(byte[] request) =>
        request.Length <= 48 ? $"{request.Length} bytes {Convert.ToHexString(request)}" : $"{request.Length:N0} bytes {Convert.ToHexString(request, 0, 48)}…";

    private sealed record FuzzCase(MethodDescriptor Descriptor, Method<byte[], byte[]> Call, int Iteration, Mangling Mangling, int Seed)
    {
        public override string ToString() => $"{Call.FullName} #{Iteration} {Mangling} (case seed {Seed})";
    }
}
