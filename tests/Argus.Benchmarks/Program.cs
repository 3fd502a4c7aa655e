using Argus.Benchmarks;

// Usage: Argus.Benchmarks unary [--concurrency 32] [--seconds 5] [--warmup 2]
if (args.Length == 0 || args[0] is not "unary")
{
    Console.Error.WriteLine("usage: Argus.Benchmarks unary [--concurrency N] [--seconds N] [--warmup N]");
    return 64;
}

var settings = new BenchmarkSettings(
    Concurrency: int.Parse(Option("--concurrency") ?? "32"),
    Duration: TimeSpan.FromSeconds(double.Parse(Option("--seconds") ?? "5")),
    Warmup: TimeSpan.FromSeconds(double.Parse(Option("--warmup") ?? "3")));

return await UnaryBenchmark.RunAsync(settings);

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
