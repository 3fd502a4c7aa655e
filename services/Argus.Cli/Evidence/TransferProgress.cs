using System.Diagnostics;

namespace Argus.Cli.Evidence;

/// <summary>
/// A one-line progress bar on stderr: bytes, share, rate and time left, redrawn at most four times
/// a second (on a terminal it overwrites itself; in a log it is a line per redraw).
/// </summary>
internal sealed class TransferProgress(TextWriter stderr, string verb, long total) : IProgress<long>, IDisposable
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly object gate = new();
    private long first = -1;
    private long last;
    private long drawnAtMs = -1;
    private bool finished;

    public void Report(long value)
    {
        lock (gate)
        {
            if (first < 0)
            {
                first = value; // a resume starts here: the rate counts what this run moves
            }

            last = value;
            if (!finished && (drawnAtMs < 0 || clock.ElapsedMilliseconds - drawnAtMs >= 250))
            {
                Draw();
            }
        }
    }

    public void Finish()
    {
        lock (gate)
        {
            Draw();
            stderr.WriteLine();
            finished = true;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (!finished && drawnAtMs >= 0)
            {
                stderr.WriteLine(); // interrupted: keep the last line visible
            }
        }
    }

    private void Draw()
    {
        drawnAtMs = clock.ElapsedMilliseconds;
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        var rate = (last - Math.Max(first, 0)) / seconds;
        var share = total > 0 ? (double)last / total : 0;
        var width = 30;
        var bar = total > 0 ? new string('#', (int)(share * width)).PadRight(width, '.') : "";
        var left = total > 0 && rate > 0 ? TimeSpan.FromSeconds((total - last) / rate) : TimeSpan.Zero;
        var of = total > 0 ? $" of {Size(total)} [{bar}] {share:P0}" : "";
        stderr.Write($"\r  {verb} {Size(last)}{of}  {Size((long)rate)}/s  {left:hh\\:mm\\:ss} left   ");
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F0} KiB",
        _ => $"{bytes} B",
    };
}
