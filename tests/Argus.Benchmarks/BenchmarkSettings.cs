namespace Argus.Benchmarks;

internal sealed record BenchmarkSettings(int Concurrency, TimeSpan Duration, TimeSpan Warmup);
