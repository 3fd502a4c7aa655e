using Microsoft.Extensions.Logging;

namespace Argus.Hosting.Errors;

/// <summary>
/// One short line per refused malformed request, and at most <see cref="LinesPerWindow"/> of them
/// per <see cref="Window"/>: a caller that sends garbage by the thousand must not be able to fill
/// the disk or drown the lines operators need. What was held back is counted and reported with the
/// next line that is written.
/// </summary>
public sealed partial class CallerMistakeLog(ILogger<CallerMistakeLog> logger, TimeProvider clock)
{
    public const int LinesPerWindow = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private long windowStart;
    private int written;
    private int suppressed;

    public void Refused(string method, string reason)
    {
        int held;
        lock (gate)
        {
            var now = clock.GetTimestamp();
            if (clock.GetElapsedTime(windowStart, now) >= Window)
            {
                windowStart = now;
                written = 0;
            }

            if (written >= LinesPerWindow)
            {
                suppressed++;
                return;
            }

            written++;
            held = suppressed;
            suppressed = 0;
        }

        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        if (held > 0)
        {
            LogSuppressed(logger, held);
        }

        var shortMethod = BoundedText.Shorten(method, 120);
        var shortReason = BoundedText.Shorten(reason, 160);
        LogRefused(logger, shortMethod, shortReason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a malformed request to {Method}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} more malformed requests were refused without a log line each")]
    private static partial void LogSuppressed(ILogger logger, int count);
}
