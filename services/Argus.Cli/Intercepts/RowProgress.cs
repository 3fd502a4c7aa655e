namespace Argus.Cli.Intercepts;

/// <summary>Rows moved: rows/s, and the share and time left by progress towards a total (bytes of the file for an import).</summary>
internal sealed class RowProgress(TextWriter stderr, string verb, long total, string totalUnit) : ProgressLine(stderr)
{
    private long rows;
    private long done;

    /// <param name="rows">Rows so far.</param>
    /// <param name="done">Progress towards the total, in its unit (bytes of the file, rows offered).</param>
    public void Report(long rows, long done) => Update(() =>
    {
        this.rows = rows;
        this.done = done;
    });

    protected override string Describe(double seconds)
    {
        var share = total > 0 ? Math.Min(1, (double)done / total) : 0;
        var left = share > 0 ? TimeSpan.FromSeconds(seconds / share - seconds) : TimeSpan.Zero;
        var of = total > 0 ? $" {Bar(share)} of {total:N0} {totalUnit}" : "";
        return $"{verb} {rows:N0} rows{of}  {rows / seconds:N0} rows/s  {left:hh\\:mm\\:ss} left";
    }
}
