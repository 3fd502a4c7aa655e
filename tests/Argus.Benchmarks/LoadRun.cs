using System.Diagnostics;

namespace Argus.Benchmarks;

/// <summary>What one measured run achieved.</summary>
internal sealed record LoadResult(string Name, int Concurrency, long Requests, long Errors, double RequestsPerSecond, double P50Ms, double P99Ms)
{
    public override string ToString() =>
        $"{Name,-28} {RequestsPerSecond,10:N0} req/s   p50 {P50Ms,7:N3} ms   p99 {P99Ms,7:N3} ms   ({Requests:N0} calls, {Errors} errors, {Concurrency} concurrent)";
}

/// <summary>
/// Closed-loop load: a fixed number of callers each issue the next call as soon as the last one
/// answers. A warm-up is run and discarded; then every latency is recorded for the percentiles.
/// </summary>
internal static class LoadRun
{
    public static async Task<LoadResult> MeasureAsync(string name, int concurrency, TimeSpan warmup, TimeSpan duration, Func<int, Task> call)
    {
        await RunAsync(concurrency, warmup, call, record: false);
        var clock = Stopwatch.StartNew();
        var (latencies, errors) = await RunAsync(concurrency, duration, call, record: true);
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(name, concurrency, all.Length, errors, all.Length / seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static async Task<(List<long>[] Latencies, long Errors)> RunAsync(int concurrency, TimeSpan duration, Func<int, Task> call, bool record)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = Enumerable.Range(0, concurrency).Select(_ => new List<long>(100_000)).ToArray();
        long errors = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            await Task.Yield();
            var sequence = 0;
            while (true)
            {
                var start = Stopwatch.GetTimestamp();
                if (start >= until)
                {
                    return;
                }

                try
                {
                    await call(worker * 10_000_000 + sequence++);
                    if (record)
                    {
                        latencies[worker].Add(Stopwatch.GetTimestamp() - start);
                    }
                }
                catch (Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return (latencies, errors);
    }

    private static double Percentile(long[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, quantile * sorted.Length)] * 1000.0 / Stopwatch.Frequency;
}
