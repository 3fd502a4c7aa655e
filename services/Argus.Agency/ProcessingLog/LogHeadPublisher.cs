using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Agency.Shared;
using Argus.Events;
using Argus.Hosting.Errors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Agency.ProcessingLog;

/// <summary>
/// Publishes this agency's signed log head to the partner agencies, so that they witness it without
/// asking: whenever the chain has grown since the last head published, at most once per
/// "Argus:ProcessingLog:HeadInterval" (10 s by default) — one head per interval covers every batch
/// the chain writer committed in it. The events go through the outbox like any other (a head
/// signed while the broker is down is published when it is back). A partner still asks for a head
/// after each of its catch-ups (<c>GetSignedLogHead</c>); this adds the heads in between.
/// <para>
/// With several instances of the service on one database each would publish the same head (the
/// head is read from the database, not from the instance's writer): harmless, a partner keeps a head
/// once; electing one publisher is the same advisory lock as the chain writer's (README).
/// </para>
/// </summary>
public sealed partial class LogHeadPublisher(IServiceScopeFactory scopes, LogHeadSigner signer, OutboxSignal outbox, IJurisdiction jurisdiction,
    IConfiguration configuration, TimeProvider clock, ILogger<LogHeadPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Argus:ProcessingLog:HeadInterval", TimeSpan.FromSeconds(10));
        var partners = Enum.GetValues<AgencyCode>().Where(a => a != jurisdiction.Agency).ToList();
        var published = -1L;
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    published = await PublishIfGrownAsync(published, partners, stoppingToken);
                }
                catch (PreconditionFailedException ex)
                {
                    // No key of its own (Argus:Credentials): nothing to sign with, now or later.
                    LogNoKey(logger, ex.Message);
                    return;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <returns>The sequence of the head now published (or still the last one, if the chain did not grow).</returns>
    private async Task<long> PublishIfGrownAsync(long published, List<AgencyCode> partners, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        var (sequence, hash) = await ChainHead.ReadAsync(db, cancellationToken);
        if (sequence == 0 || sequence == published)
        {
            return published; // nothing chained yet, or nothing new since the last head
        }

        var signed = signer.Sign(sequence, hash);
        var now = clock.GetUtcNow();
        foreach (var partner in partners)
        {
            // One event id per copy: each is its own message for its own recipient.
            db.AddEvent(new LogHeadSigned(Guid.CreateVersion7(), jurisdiction.Agency.Code(), $"auditEntries/{signed.Sequence}", signed.Sequence, signed.Hash,
                Convert.ToBase64String(signed.Signature.Span), signed.CertificatePem, signed.SignTime.ToDateTimeOffset()), partner.Code(), now);
        }

        await db.SaveChangesAsync(cancellationToken);
        outbox.Notify();
        return sequence;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Processing log: signed heads are not published to partners: {Reason}")]
    private static partial void LogNoKey(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing log: publishing the signed head failed; trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
