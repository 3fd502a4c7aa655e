using Argus.Client;
using Argus.Client.Security;
using Argus.Scenario;
using Grpc.Core;
using Grpc.Health.V1;

// Usage: Argus.Scenario --identity https://localhost:5100/ --ca ca.crt --client-id partner-demo
//          --cert partner-demo.crt --key partner-demo.key [--nl https://127.0.0.1:5101] [--be https://127.0.0.1:5102] [--wait-seconds 60]
var nlAddress = new Uri(Option("--nl") ?? "https://127.0.0.1:5101");
var beAddress = new Uri(Option("--be") ?? "https://127.0.0.1:5102");
var wait = TimeSpan.FromSeconds(int.Parse(Option("--wait-seconds") ?? "0"));
var ca = TrustedCertificates.LoadCa(Option("--ca") ?? throw new ArgumentException("--ca is required"));
var credentials = new ClientCredentials
{
    TokenEndpoint = new Uri(new Uri(Option("--identity") ?? "https://localhost:5100/"), "connect/token"),
    ClientId = Option("--client-id") ?? "partner-demo",
    Certificate = ClientCredentials.LoadCertificate(Option("--cert") ?? throw new ArgumentException("--cert is required"), Option("--key") ?? throw new ArgumentException("--key is required")),
    CaCertificate = ca,
};

using var tokens = new AccessTokenSource(credentials);
using var nl = AgencyClient.For(nlAddress, "nl", tokens, credentials);
using var be = AgencyClient.For(beAddress, "be", tokens, credentials);

// Belgium's own agency service identity, reading what the Netherlands shares with it.
var belgianCredentials = new ClientCredentials
{
    TokenEndpoint = credentials.TokenEndpoint,
    ClientId = Option("--belgium-client-id") ?? "argus-be",
    Certificate = ClientCredentials.LoadCertificate(Option("--belgium-cert") ?? throw new ArgumentException("--belgium-cert is required"),
        Option("--belgium-key") ?? throw new ArgumentException("--belgium-key is required")),
    CaCertificate = ca,
};
using var belgianTokens = new AccessTokenSource(belgianCredentials);
using var belgiumAtNl = AgencyClient.For(nlAddress, "nl", belgianTokens, belgianCredentials);
using var anonymous = new AgencyClient(nlAddress, new ArgusChannelOptions { CaCertificate = ca });
if (!await ServingAsync(nl, "Netherlands", nlAddress) || !await ServingAsync(be, "Belgium", beAddress))
{
    return 2;
}

Console.WriteLine($"Calling as {credentials.ClientId}, mutual TLS with {credentials.Certificate.Subject}; tokens bound to that certificate.");
var steps = new ScenarioSteps();
var scenario = new ArgusScenario(nl, be, anonymous, belgiumAtNl, steps);
await scenario.RunAsync();
scenario.Summary.Print();
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
