namespace Argus.Benchmarks;

/// <param name="Rate">Writes per second of the exchange benchmark's steady load.</param>
internal sealed record BenchmarkSettings(int Concurrency, TimeSpan Duration, TimeSpan Warmup, int Rate);
