using System.Threading.Channels;
using Argus.Agency.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// Builds, after a dataset's load and in the background, the indexes a search can do without:
/// the full-text index (the slowest to build; a text search before it is there is still answered,
/// only slower), and on a partner's copy the unique index of message ids, which only later writes
/// need (see <see cref="DatasetPull"/>). An import answers, and the dataset is searchable by handle
/// and time, as soon as the indexes of those exist. At start-up it picks up what a restart
/// interrupted. (With SQLite the FTS5 index is kept as rows arrive: nothing to build.)
/// </summary>
public sealed partial class BackgroundIndexer(IServiceScopeFactory scopes, ILogger<BackgroundIndexer> logger) : BackgroundService
{
    private readonly Channel<long> pending = Channel.CreateUnbounded<long>();

    /// <summary>Asks for the background indexes of the dataset with <paramref name="key"/> (its search indexes built).</summary>
    public void Request(long key) => pending.Writer.TryWrite(key);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            foreach (var key in await db.Set<DatasetContents>().Where(c => c.Indexed && !c.FullTextIndexed).Select(c => c.Key).ToListAsync(stoppingToken))
            {
                Request(key);
            }
        }

        await foreach (var key in pending.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await BuildAsync(key, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogNotBuilt(logger, key, e.Message);
            }
        }
    }

    private async Task BuildAsync(long key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        var contents = await db.Set<DatasetContents>().FirstOrDefaultAsync(c => c.Key == key, cancellationToken);
        if (contents is not { Indexed: true, FullTextIndexed: false })
        {
            return; // gone, or built meanwhile
        }

        var store = MessageStore.For(db);
        // There already, unless this is a partner's copy after its first pull.
        var removed = await store.BuildUniqueIndexAsync(key, cancellationToken);
        if (removed > 0)
        {
            // The owner sent a message id twice: the copy keeps the first, as an import does. The
            // version moves, so a pull that read the count before this conflicts instead of overwriting it.
            LogDuplicatesRemoved(logger, key, removed);
            await db.Set<DatasetContents>().Where(c => c.Key == key)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.MessageCount, x => x.MessageCount - removed).SetProperty(x => x.Version, x => x.Version + 1), cancellationToken);
        }

        await store.BuildFullTextIndexAsync(key, cancellationToken);
        await db.Set<DatasetContents>().Where(c => c.Key == key).ExecuteUpdateAsync(c => c.SetProperty(x => x.FullTextIndexed, true), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The background indexes of dataset {Key} were not built ({Error}); they are tried again at the next start.")]
    private static partial void LogNotBuilt(ILogger logger, long key, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dataset {Key}: {Removed} messages repeated an earlier message's id and were removed.")]
    private static partial void LogDuplicatesRemoved(ILogger logger, long key, long removed);
}
