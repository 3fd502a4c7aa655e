namespace Argus.Cli.Intercepts;

/// <summary>Rows moved: rows/s, and the share and time left by progress towards a total (bytes of the file for an import, rows offered for a pull).</summary>
internal sealed class RowProgress(TextWriter stderr, string verb, long total, string totalUnit) : ProgressLine(stderr)
{
    private long total = total;
    private long rows;
    private long done;

    /// <param name="rows">Rows so far.</param>
    /// <param name="done">Progress towards the total, in its unit (bytes of the file, rows offered).</param>
    public void Report(long rows, long done) => Report(rows, done, total);

    /// <param name="total">The total, when it is learned on the way (a pull hears what the owner offers with its first batch).</param>
    public void Report(long rows, long done, long total) => Update(() =>
    {
        this.rows = rows;
        this.done = done;
        this.total = total;
    });

    protected override string Describe(double seconds)
    {
        var share = total > 0 ? Math.Min(1, (double)done / total) : 0;
        var of = total > 0 ? $" {Bar(share)} of {total:N0} {totalUnit}" : "";
        // No share yet, no estimate: "00:00:00 left" would say it is done.
        var left = share > 0 ? $"  {TimeSpan.FromSeconds(seconds / share - seconds):hh\\:mm\\:ss} left" : "";
        return $"{verb} {rows:N0} rows{of}  {rows / seconds:N0} rows/s{left}";
    }
}
