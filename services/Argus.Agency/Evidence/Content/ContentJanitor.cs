using Argus.Agency.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Argus.Agency.Evidence.Content;

/// <summary>
/// Deletes content nothing refers to any more — an erased item's (Directive 2016/680 Art. 16), a
/// partner's item received in a handover whose copy went (erased by its owner, or no longer
/// shared) — and uploads abandoned for <see cref="EvidenceContentOptions.AbandonedUploadAge"/>.
/// Content is deleted only when two sweeps in a row found it unreferenced, so bytes stored a moment
/// before the row that refers to them (a commit before its attach, a fetch before its receipt)
/// are never taken.
/// </summary>
public sealed partial class ContentJanitor(IServiceScopeFactory scopes, IContentStore content, IOptions<EvidenceContentOptions> options, TimeProvider clock,
    ILogger<ContentJanitor> logger) : BackgroundService
{
    private HashSet<string> unreferencedBefore = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var ticks = new PeriodicTimer(options.Value.JanitorInterval);
        while (await ticks.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    /// <summary>One sweep; returns how many contents it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        var abandonedBefore = clock.GetUtcNow() - options.Value.AbandonedUploadAge;
        // Compared here, not in SQL: SQLite cannot order DateTimeOffset values; open uploads are few.
        var abandoned = (await db.Set<EvidenceUpload>().Where(u => u.State == UploadState.Receiving).ToListAsync(cancellationToken))
            .Where(u => u.CreateTime < abandonedBefore).ToList();
        foreach (var upload in abandoned)
        {
            await content.DeleteAsync(upload.Key, cancellationToken);
            upload.State = UploadState.Discarded;
            upload.DiscardReason = $"abandoned: not finished within {options.Value.AbandonedUploadAge}";
            upload.RequestId = null;
        }

        await db.SaveChangesAsync(cancellationToken);

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        referenced.UnionWith(await db.Set<EvidenceItem>().Where(i => i.Content != null).Select(i => i.Content!.Sha256).ToListAsync(cancellationToken));
        referenced.UnionWith(await db.Set<ReceivedEvidence>().Where(r => r.VerifiedSha256 != "").Select(r => r.VerifiedSha256).ToListAsync(cancellationToken));
        referenced.UnionWith(await db.Set<EvidenceUpload>().Where(u => u.State == UploadState.Receiving).Select(u => u.Sha256).ToListAsync(cancellationToken));

        var unreferenced = new HashSet<string>(StringComparer.Ordinal);
        var deleted = 0;
        await foreach (var sha256 in content.StoredContentAsync(cancellationToken))
        {
            if (referenced.Contains(sha256))
            {
                continue;
            }

            if (!unreferencedBefore.Contains(sha256))
            {
                unreferenced.Add(sha256); // the next sweep decides
                continue;
            }

            await content.DeleteAsync(ContentKeys.Content(sha256), cancellationToken);
            deleted++;
        }

        unreferencedBefore = unreferenced;
        if (deleted > 0 || abandoned.Count > 0)
        {
            LogSwept(logger, deleted, abandoned.Count);
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evidence content: deleted {Deleted} contents nothing refers to, discarded {Abandoned} abandoned uploads")]
    private static partial void LogSwept(ILogger logger, int deleted, int abandoned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evidence content: a sweep failed; trying again at the next")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
