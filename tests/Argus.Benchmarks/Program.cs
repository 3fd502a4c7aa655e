using Argus.Benchmarks;

// Usage: Argus.Benchmarks unary|exchange [--concurrency 32] [--seconds 5] [--warmup 3 (exchange: 20)] [--rate 500]
//        Argus.Benchmarks evidence [--megabytes 1024]
//        Argus.Benchmarks intercepts [--messages 2000000]
if (args.Length == 0 || args[0] is not ("unary" or "exchange" or "evidence" or "intercepts"))
{
    Console.Error.WriteLine("usage: Argus.Benchmarks unary|exchange [--concurrency N] [--seconds N] [--warmup N] [--rate N] | evidence [--megabytes N] | intercepts [--messages N]");
    return 64;
}

if (args[0] == "intercepts")
{
    return await InterceptBenchmark.RunAsync(long.Parse(Option("--messages") ?? "2000000"));
}

if (args[0] == "evidence")
{
    return await EvidenceBenchmark.RunAsync(long.Parse(Option("--megabytes") ?? "1024") << 20);
}

var settings = new BenchmarkSettings(
    Concurrency: int.Parse(Option("--concurrency") ?? "32"),
    Duration: TimeSpan.FromSeconds(double.Parse(Option("--seconds") ?? "5")),
    // The exchange's two services start within the benchmark and compile their hot code for about
    // 20 s under load: its tiering threads took a fifth of each service's CPU after 3 s of warm-up,
    // none after 25 (perf, 2026-12-03). Measured before then, it is a service that just started.
    Warmup: TimeSpan.FromSeconds(double.Parse(Option("--warmup") ?? (args[0] == "exchange" ? "20" : "3"))),
    Rate: int.Parse(Option("--rate") ?? "500"));

return args[0] == "unary" ? await UnaryBenchmark.RunAsync(settings) : await ExchangeBenchmark.RunAsync(settings);

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
