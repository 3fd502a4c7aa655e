using System.Diagnostics;

namespace Argus.Cli.Intercepts;

/// <summary>
/// A one-line progress bar on stderr for row transfers: rows, rows/s, share and time left (by
/// bytes of the file for an import, by rows for a pull), redrawn at most four times a second.
/// </summary>
internal sealed class RowProgress(TextWriter stderr, string verb, long total, string totalUnit) : IDisposable
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly object gate = new();
    private long rows;
    private long done;
    private long drawnAtMs = -1;
    private bool finished;

    /// <param name="rows">Rows so far.</param>
    /// <param name="done">Progress towards the total, in its unit (bytes of the file, rows offered).</param>
    public void Report(long rows, long done)
    {
        lock (gate)
        {
            this.rows = rows;
            this.done = done;
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
        var share = total > 0 ? Math.Min(1, (double)done / total) : 0;
        var bar = total > 0 ? new string('#', (int)(share * 30)).PadRight(30, '.') : "";
        var left = share > 0 ? TimeSpan.FromSeconds(seconds / share - seconds) : TimeSpan.Zero;
        var of = total > 0 ? $" [{bar}] {share:P0} of {total:N0} {totalUnit}" : "";
        stderr.Write($"\r  {verb} {rows:N0} rows{of}  {rows / seconds:N0} rows/s  {left:hh\\:mm\\:ss} left   ");
    }
}
