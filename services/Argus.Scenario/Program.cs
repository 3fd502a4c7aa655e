using Argus.Client;
using Argus.Scenario;
using Grpc.Core;
using Grpc.Health.V1;

// Usage: Argus.Scenario [--nl http://127.0.0.1:5101] [--be http://127.0.0.1:5102] [--wait-seconds 60]
var nlAddress = Option("--nl") ?? "http://127.0.0.1:5101";
var beAddress = Option("--be") ?? "http://127.0.0.1:5102";
var wait = TimeSpan.FromSeconds(int.Parse(Option("--wait-seconds") ?? "0"));

using var nl = new AgencyClient(new Uri(nlAddress));
using var be = new AgencyClient(new Uri(beAddress));
if (!await ServingAsync(nl, "Netherlands", nlAddress) || !await ServingAsync(be, "Belgium", beAddress))
{
    return 2;
}

var steps = new ScenarioSteps();
var scenario = new ArgusScenario(nl, be, steps);
await scenario.RunAsync();
scenario.Summary.Print();
Console.WriteLine();
Console.WriteLine($"Scenario steps verified: {steps.Tally}");
return steps.AllPassed ? 0 : 1;

// Services that were just started need a moment; wait for gRPC health to say SERVING.
async Task<bool> ServingAsync(AgencyClient agency, string name, string address)
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
