using Argus.Client;
using Argus.Scenario;

// Usage: Argus.Scenario --nl http://127.0.0.1:5101 --be http://127.0.0.1:5102
var nlAddress = Option("--nl") ?? "http://127.0.0.1:5101";
var beAddress = Option("--be") ?? "http://127.0.0.1:5102";

using var nl = new AgencyClient(new Uri(nlAddress));
using var be = new AgencyClient(new Uri(beAddress));
var steps = new ScenarioSteps();
var scenario = new ArgusScenario(nl, be, steps);
await scenario.RunAsync();
scenario.Summary.Print();
Console.WriteLine();
Console.WriteLine($"Scenario: {steps.Tally}");
return steps.AllPassed ? 0 : 1;

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
