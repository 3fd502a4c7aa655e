namespace Argus.Cli.Evidence;

/// <summary>Bytes moved: the share, the rate and the time left.</summary>
internal sealed class TransferProgress(TextWriter stderr, string verb, long total) : ProgressLine(stderr), IProgress<long>
{
    private long first = -1;
    private long last;

    public void Report(long value) => Update(() =>
    {
        if (first < 0)
        {
            first = value; // a resume starts here: the rate counts what this run moves
        }

        last = value;
    });

    protected override string Describe(double seconds)
    {
        var rate = (last - Math.Max(first, 0)) / seconds;
        var share = total > 0 ? (double)last / total : 0;
        var left = total > 0 && rate > 0 ? TimeSpan.FromSeconds((total - last) / rate) : TimeSpan.Zero;
        var of = total > 0 ? $" of {Size(total)} {Bar(share)}" : "";
        return $"{verb} {Size(last)}{of}  {Size((long)rate)}/s  {left:hh\\:mm\\:ss} left";
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F0} KiB",
        _ => $"{bytes} B",
    };
}
