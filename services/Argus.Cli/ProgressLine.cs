using System.Diagnostics;

namespace Argus.Cli;

/// <summary>
/// A one-line progress bar on stderr, redrawn at most four times a second (on a terminal it
/// overwrites itself; in a log it is a line per redraw); an interrupted one keeps its last line.
/// Subclasses say what the line shows.
/// </summary>
internal abstract class ProgressLine(TextWriter stderr) : IDisposable
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly object gate = new();
    private long drawnAtMs = -1;
    private bool finished;

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

    /// <summary>Records new figures (under the line's lock) and redraws if it is time.</summary>
    protected void Update(Action record)
    {
        lock (gate)
        {
            record();
            if (!finished && (drawnAtMs < 0 || clock.ElapsedMilliseconds - drawnAtMs >= 250))
            {
                Draw();
            }
        }
    }

    /// <summary>The line's text, given the seconds since it started.</summary>
    protected abstract string Describe(double seconds);

    /// <summary>"[######....] 42%" for a share of 0 to 1.</summary>
    protected static string Bar(double share) => $"[{new string('#', (int)(share * 30)).PadRight(30, '.')}] {share:P0}";

    private void Draw()
    {
        drawnAtMs = clock.ElapsedMilliseconds;
        stderr.Write($"\r  {Describe(Math.Max(clock.Elapsed.TotalSeconds, 0.001))}   ");
    }
}
