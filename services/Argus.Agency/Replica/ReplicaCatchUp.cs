using Argus.Agency.Shared;
using Argus.Agency.Records;
using Argus.Agency.Outbox;
using Argus.Agency.Partners;
using Argus.Agency.Persistence;
using Argus.Events;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Argus.Agency.Replica;

/// <summary>
/// Converges the copies with each partner through its Sync stream: at start-up (this agency may
/// have been down while partners wrote, or its queue may have lost messages) and then every
/// "Argus:Replica:SyncInterval" (5 minutes by default). Each event goes through the same
/// <see cref="ReplicaUpdater"/> as the bus, so one seen on both is applied once.
/// </summary>
public sealed partial class ReplicaCatchUp(IServiceScopeFactory scopes, IConfiguration configuration, IJurisdiction jurisdiction, ReplicaStatistics statistics, LogWitness witness, ILogger<ReplicaCatchUp> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Argus:Replica:SyncInterval", TimeSpan.FromMinutes(5));
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var failed = false;
            foreach (var partner in Partners())
            {
                try
                {
                    var applied = await CatchUpAsync(partner, stoppingToken);
                    if (applied > 0)
                    {
                        LogCaughtUp(logger, partner, applied);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, ex, partner);
                    failed = true;
                    continue;
                }
                catch (Exception) when (stoppingToken.IsCancellationRequested)
                {
                    return; // stopping: a call cut short says Cancelled (an RpcException), which is no failure
                }

                try
                {
                    await witness.WitnessAsync(partner, stoppingToken);
                }
                catch (Grpc.Core.RpcException ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Witnessing is independent of the copies: its failure does not hold them back.
                    // The partner's answer says why (no signing key configured, say): one line, no stack.
                    LogWitnessRefused(logger, partner, ex.StatusCode, ex.Status.Detail);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogWitnessFailed(logger, ex, partner);
                }
                catch (Exception) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }

            if (!failed)
            {
                statistics.CaughtUp();
            }

            try
            {
                // A partner not up yet (agencies start in any order) is tried again soon.
                await Task.Delay(failed ? TimeSpan.FromTicks(Math.Min(interval.Ticks, TimeSpan.FromSeconds(10).Ticks)) : interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads <paramref name="partner"/>'s Sync stream from the stored cursor to its end; returns how many events it read.</summary>
    public async Task<int> CatchUpAsync(AgencyCode partner, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<AgencyDbContext>();
        var cursor = await db.Set<SyncCursor>().Where(c => c.Owner == partner).Select(c => (long?)c.Cursor).FirstOrDefaultAsync(cancellationToken) ?? 0;
        var client = services.GetRequiredService<PartnerClients>().For(partner).Client;
        using var call = client.Exchange.Sync(new Exchange.V1.SyncRequest { AfterCursor = cursor }, cancellationToken: cancellationToken);
        var read = 0;
        await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            // A fresh scope (and DbContext) per event: one event's failure leaves nothing half-tracked for the next.
            await using var eventScope = scopes.CreateAsyncScope();
            var updater = eventScope.ServiceProvider.GetRequiredService<ReplicaUpdater>();
            if (ToEvent(partner, item) is { } message)
            {
                await updater.ApplyAsync(message, item.Cursor, cancellationToken);
            }
            else
            {
                // Lookup events, and kinds this version does not know: nothing to copy; read past them.
                await updater.AdvanceCursorAsync(partner, item.Cursor, cancellationToken);
            }

            read++;
        }

        return read;
    }

    private IEnumerable<AgencyCode> Partners() =>
        configuration.GetSection(PartnerOptions.Section).GetChildren()
            .Select(section => Enum.TryParse<AgencyCode>(section.Key, ignoreCase: true, out var code) ? code : (AgencyCode?)null)
            .OfType<AgencyCode>()
            .Where(code => code != jurisdiction.Agency);

    /// <summary>The record event a Sync item stands for, as it was on the bus; null for any other event.</summary>
    private static IRecordEvent? ToEvent(AgencyCode owner, Exchange.V1.SyncResponse item)
    {
        var type = RecordEvents.All.FirstOrDefault(t => EntityNames.Of(t) == item.Event);
        if (type is null || !typeof(IRecordEvent).IsAssignableFrom(type))
        {
            return null;
        }

        var handling = item.HandlingCode == Common.V1.HandlingCode.Unspecified
            ? HandlingCode.H0
            : EnumMap<Common.V1.HandlingCode, HandlingCode>.Convert(item.HandlingCode);
        // Sync carries no content: catch-up reads each record from the owner (the pull path).
        return (IRecordEvent)Activator.CreateInstance(type, Guid.Parse(item.EventId), owner.Code(), item.Record, item.Version, handling.ToString(),
            item.OccurTime.ToDateTimeOffset(), null)!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica: caught up with {Partner}: {Count} events read from its Sync stream")]
    private static partial void LogCaughtUp(ILogger logger, AgencyCode partner, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Witnessing {Partner}'s processing log failed; trying again at the next catch-up")]
    private static partial void LogWitnessFailed(ILogger logger, Exception exception, AgencyCode partner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Witnessing {Partner}'s processing log was refused ({Status}: {Detail}); trying again at the next catch-up")]
    private static partial void LogWitnessRefused(ILogger logger, AgencyCode partner, Grpc.Core.StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica: catching up with {Partner} failed; trying again shortly")]
    private static partial void LogFailed(ILogger logger, Exception exception, AgencyCode partner);
}
