using System.Threading.Channels;
using Argus.Agency.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// Builds a dataset's full-text index after its load, in the background: the slowest index to
/// build, and the only one a dataset is not needed without — an import answers, and the dataset
/// is searchable by handle and time, as soon as the b-tree indexes exist; a text search before the
/// full-text index is there is still answered, only slower. At start-up it picks up what a restart
/// interrupted. (With SQLite the FTS5 index is kept as rows arrive: nothing to build.)
/// </summary>
public sealed class FullTextIndexer(IServiceScopeFactory scopes, ILogger<FullTextIndexer> logger) : BackgroundService
{
    private readonly Channel<long> pending = Channel.CreateUnbounded<long>();

    /// <summary>Asks for the full-text index of the dataset with <paramref name="key"/> (its b-tree indexes built).</summary>
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
                logger.LogWarning("The full-text index of dataset {Key} was not built ({Error}); it is tried again at the next start.", key, e.Message);
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

        await MessageStore.For(db).BuildFullTextIndexAsync(key, cancellationToken);
        await db.Set<DatasetContents>().Where(c => c.Key == key).ExecuteUpdateAsync(c => c.SetProperty(x => x.FullTextIndexed, true), cancellationToken);
    }
}
