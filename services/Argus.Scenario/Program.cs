using Argus.Client;
using Argus.Client.Security;
using Argus.Scenario;
using Grpc.Core;
using Grpc.Health.V1;

// Usage: Argus.Scenario --identity https://localhost:5100/ --pki DIR [--nl https://127.0.0.1:5101] [--be https://127.0.0.1:5102]
//          [--nl-client-id investigator-nl] [--be-client-id investigator-be] [--jit-client-id partner-demo]
//          [--belgium-client-id argus-be] [--wait-seconds 60] [--evidence-item-file FILE] [--intercepted-messages 300000]
// Each client's certificate and key are DIR/<client>.crt and DIR/<client>.key, the CA DIR/ca.crt.
var nlAddress = new Uri(Option("--nl") ?? "https://127.0.0.1:5101");
var beAddress = new Uri(Option("--be") ?? "https://127.0.0.1:5102");
var wait = TimeSpan.FromSeconds(int.Parse(Option("--wait-seconds") ?? "0"));
var pki = Option("--pki") ?? throw new ArgumentException("--pki is required: the folder with ca.crt and each client's .crt and .key");
var ca = TrustedCertificates.LoadCa(Path.Combine(pki, "ca.crt"));
var tokenEndpoint = new Uri(new Uri(Option("--identity") ?? "https://localhost:5100/"), "connect/token");

ClientCredentials Credentials(string option, string clientId) => new()
{
    TokenEndpoint = tokenEndpoint,
    ClientId = Option(option) ?? clientId,
    Certificate = ClientCredentials.LoadCertificate(Path.Combine(pki, $"{Option(option) ?? clientId}.crt"), Path.Combine(pki, $"{Option(option) ?? clientId}.key")),
    CaCertificate = ca,
};

// Each agency's records are kept by an investigator's client acting for that agency.
var dutch = Credentials("--nl-client-id", "investigator-nl");
var belgian = Credentials("--be-client-id", "investigator-be");
using var dutchTokens = new AccessTokenSource(dutch);
using var belgianTokens = new AccessTokenSource(belgian);
using var nl = AgencyClient.For(nlAddress, "nl", dutchTokens, dutch);
using var be = AgencyClient.For(beAddress, "be", belgianTokens, belgian);

// Belgium's own agency service identity, reading what the Netherlands shares with it.
var belgianService = Credentials("--belgium-client-id", "argus-be");
using var belgianServiceTokens = new AccessTokenSource(belgianService);
using var belgiumAtNl = AgencyClient.For(nlAddress, "nl", belgianServiceTokens, belgianService);

// A JIT-wide tool: acts for no agency, may only read, at both.
var jitWide = Credentials("--jit-client-id", "partner-demo");
using var jitTokens = new AccessTokenSource(jitWide);
using var jitAtNl = AgencyClient.For(nlAddress, "nl", jitTokens, jitWide);
using var jitAtBe = AgencyClient.For(beAddress, "be", jitTokens, jitWide);
using var anonymous = new AgencyClient(nlAddress, new ArgusChannelOptions { CaCertificate = ca });
if (!await ServingAsync(nl, "Netherlands", nlAddress) || !await ServingAsync(be, "Belgium", beAddress))
{
    return 2;
}

Console.WriteLine($"Calling as {dutch.ClientId} and {belgian.ClientId}, mutual TLS; tokens bound to each one's certificate.");
var steps = new ScenarioSteps();
var scenario = new ArgusScenario(nl, be, anonymous, belgiumAtNl, new JitWideTool(jitAtNl, jitAtBe), steps, long.Parse(Option("--intercepted-messages") ?? "300000"));
await scenario.RunAsync();
scenario.Summary.Print();
if (Option("--evidence-item-file") is { } evidenceFile && scenario.Evidence.Handset is { } handset)
{
    // For run.sh: the handset whose custody it exports for court.
    await File.WriteAllTextAsync(evidenceFile, handset);
}

Console.WriteLine();
Console.WriteLine($"Scenario steps verified: {steps.Tally}");
return steps.AllPassed ? 0 : 1;

// Services that were just started need a moment; wait for gRPC health to say SERVING.
async Task<bool> ServingAsync(AgencyClient agency, string name, Uri address)
{
    var until = DateTime.UtcNow + wait;
    while (true)
    {
        try
        {
            var health = await agency.Health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
            if (health.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return true;
            }
        }
        catch (RpcException) when (DateTime.UtcNow < until)
        {
        }
        catch (RpcException ex)
        {
            Console.Error.WriteLine($"{name} at {address} is not serving: {ex.Status.Detail}");
            return false;
        }

        await Task.Delay(250);
    }
}

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
