using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace Argus.Scenario;

/// <summary>Runs named steps, prints each with its outcome and time, and remembers whether all passed.</summary>
internal sealed class ScenarioSteps
{
    private int failed;
    private int passed;

    public bool AllPassed => failed == 0 && passed > 0;

    public string Tally => $"{passed} passed, {failed} failed";

    public async Task<T?> RunAsync<T>(string description, Func<Task<T>> step)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await step();
            passed++;
            Console.WriteLine($"  ok    {description} ({clock.ElapsedMilliseconds} ms)");
            return result;
        }
        catch (Exception ex) when (ex is ScenarioCheckFailed or RpcException)
        {
            failed++;
            Console.WriteLine($"  FAIL  {description}: {ex.Message}");
            return default;
        }
    }

    public Task RunAsync(string description, Func<Task> step) =>
        RunAsync<bool>(description, async () =>
        {
            await step();
            return true;
        });

    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new ScenarioCheckFailed(what);
        }
    }

    /// <summary>
    /// The same request_id for the same step on every run, so that running the scenario again
    /// against the same data finds its earlier records instead of duplicating them.
    /// </summary>
    public static string RequestId(string step)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("argus-scenario/" + step));
        return new Guid(hash.AsSpan(0, 16)).ToString("D");
    }
}

internal sealed class ScenarioCheckFailed(string message) : Exception(message);
