using Argus.Agency.Callers;
using Argus.Agency.Connectivity;
using Argus.Agency.Lookups;
using Argus.Agency.Outbox;
using Argus.Agency.Partners;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Records;
using Argus.Agency.Replica;
using Argus.Agency.Shared;
using Argus.Agency.Sharing;
using Argus.Client.Security;
using Argus.Hosting;
using Argus.Hosting.Persistence;
using Argus.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Argus.Agency;

/// <summary>
/// Builds one national agency service. The Netherlands and Belgium each call this from their own
/// process with their own jurisdiction and configuration. This is the composition root: the one
/// place that knows every feature.
/// </summary>
public static class AgencyHost
{
    /// <param name="args">Command line; any configuration key can be given as --Section:Key=value.</param>
    /// <param name="jurisdiction">Who the agency is and how it numbers its cases.</param>
    /// <param name="contentRoot">Where appsettings.json is read from; the service's own folder by default.</param>
    public static async Task<WebApplication> BuildAsync(string[] args, IJurisdiction jurisdiction, string? contentRoot = null, CancellationToken cancellationToken = default)
    {
        var builder = ArgusServiceDefaults.CreateBuilder(args, contentRoot);
        var configuration = builder.Configuration;
        var services = builder.Services;
        var code = jurisdiction.Agency.Code();
        var kinds = AgencyRecordKinds.All;
        var dataDirectory = Path.GetFullPath(configuration["Argus:DataDirectory"] ?? "data", builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);

        builder.AddArgusDefaults(ClientCertificateTrust.FromConfiguration(configuration, builder.Environment.ContentRootPath));
        builder.AddArgusTokenAuthentication(ArgusAudiences.Agency(code));
        // EF logs every failed command as an error, including the unique violations we expect and
        // handle (idempotent retries); real failures reach RpcErrorInterceptor, which logs them.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Update", LogLevel.None);
        services.AddSingleton(jurisdiction);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(kinds);
        services.AddHttpContextAccessor();
        services.AddScoped<Caller>();
        var database = services.AddArgusDatabase<AgencyDbContext, SqliteAgencyDbContext, PostgresAgencyDbContext>(
            configuration, Path.Combine(dataDirectory, $"argus-{code}.db"));
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        // The processing log; records; sharing; lookups.
        services.AddSingleton<ProcessingLogWriter>();
        services.AddSingleton<LogHeadSigner>();
        services.AddScoped<RequestProcessingLog>();
        // 10,000 records, some 40 MB: a cached record costs ~4 KB of heap (an arrest with its
        // lists), so the 100,000 it held before would have taken ~400 MB. In bench.sh exchange
        // (2026-12-03) the Dutch service's peak was 318 MB with 1,000 and 347-357 MB with 100,000
        // after ~13,000 writes, and 585 MB after ~33,000 in a longer run.
        services.AddSingleton(new RecordCache(
            configuration.GetValue("Argus:ReadCache:Enabled", true) ? configuration.GetValue("Argus:ReadCache:Capacity", 10_000) : 0));
        services.AddScoped<RecordStore>();
        services.AddScoped<RecordAccess>();
        services.AddScoped<IRecordShares, ShareIndex>();
        services.AddScoped<RecordSharing>();
        services.AddScoped<SyncFeed>();
        services.AddScoped<SubjectMatcher>();
        services.AddScoped<HitNoHitLookups>();
        services.AddSingleton<PartnerClients>();
        foreach (var kind in kinds.All)
        {
            kind.AddServices(services, configuration, dataDirectory);
        }

        // Copies of what partners share need credentials to read it with and partners to read it from.
        var replica = configuration[$"{AgencyCredentialsOptions.Section}:ClientId"] is { Length: > 0 }
            && configuration.GetSection(PartnerOptions.Section).GetChildren().Any();
        if (replica)
        {
            services.AddReplica(code, configuration["Argus:Replica:Queue"]);
        }

        var broker = services.AddEventBus(configuration, code, bus =>
        {
            if (replica)
            {
                bus.AddReplicaConsumers(kinds);
            }
        });
        if (broker)
        {
            // Partners witness this agency's log heads as they are published, not only when they ask.
            services.AddHostedService<LogHeadPublisher>();
        }

        var app = builder.Build();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await DatabaseRegistration.PrepareAsync(scope.ServiceProvider.GetRequiredService<AgencyDbContext>(), database, cancellationToken);
        }

        app.MapArgusDefaults();
        // After authentication: a partner reaches only the methods open to partners.
        app.UseMiddleware<PartnerGate>();
        foreach (var kind in kinds.All)
        {
            kind.MapService(app);
        }

        app.MapGrpcService<ConnectivityGrpcService>();
        app.MapGrpcService<AuditGrpcService>();
        app.MapGrpcService<ExchangeGrpcService>();
        app.MapGrpcService<ReplicaGrpcService>();
        app.MapGrpcService<LookupGrpcService>();
        return app;
    }
}
