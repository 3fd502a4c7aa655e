using Argus.Agency.Domain.Shared;
using Argus.Agency.Api.Services;
using Argus.Agency.Domain;
using Argus.Agency.Partners;
using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Agency.Audit;
using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Hosting.Security;
using Argus.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Argus.Agency;

/// <summary>
/// Builds one national agency service. The Netherlands and Belgium each call this from their own
/// process with their own jurisdiction and configuration.
/// </summary>
public static class AgencyHost
{
    /// <param name="args">Command line; any configuration key can be given as --Section:Key=value.</param>
    /// <param name="jurisdiction">Who the agency is and how it numbers its cases.</param>
    /// <param name="contentRoot">Where appsettings.json is read from; the service's own folder by default.</param>
    public static async Task<WebApplication> BuildAsync(string[] args, IJurisdiction jurisdiction, string? contentRoot = null, CancellationToken cancellationToken = default)
    {
        var builder = ArgusServiceDefaults.CreateBuilder(args, contentRoot);
        var code = jurisdiction.Agency.Code();
        var dataDirectory = Path.GetFullPath(builder.Configuration["Argus:DataDirectory"] ?? "data", builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);

        builder.AddArgusDefaults();
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.Interceptors.Add<Api.OwnerOnlyChangesInterceptor>());
        builder.Services.AddScoped<RecordAccess>();
        builder.AddArgusTokenAuthentication(ArgusAudiences.Agency(code));
        builder.Services.AddSingleton<PartnerClients>();
        // EF logs every failed command as an error, including the unique violations we expect and
        // handle (idempotent retries); real failures reach RpcErrorInterceptor, which logs them.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Update", LogLevel.None);
        builder.Services.AddSingleton(jurisdiction);
        builder.Services.AddSingleton(TimeProvider.System);
        var database = builder.Services.AddArgusDatabase<AgencyDbContext, SqliteAgencyDbContext, PostgresAgencyDbContext>(
            builder.Configuration, Path.Combine(dataDirectory, $"argus-{code}.db"));
        builder.Services.AddScoped<RecordStore>();
        builder.Services.AddScoped<SubjectMatcher>();
        // Copies of what partners share need credentials to read it with and partners to read it from.
        var replica = builder.Configuration[$"{AgencyCredentialsOptions.Section}:ClientId"] is { Length: > 0 }
            && builder.Configuration.GetSection(PartnerOptions.Section).GetChildren().Any();
        builder.Services.AddEventBus(builder.Configuration, code, replica);
        if (replica)
        {
            builder.Services.AddReplica();
        }

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ProcessingLogWriter>();
        builder.Services.AddScoped<Caller>();
        builder.Services.AddScoped<ProcessingLog>();
        builder.Services.AddSingleton(new RecordCache(
            builder.Configuration.GetValue("Argus:ReadCache:Enabled", true) ? builder.Configuration.GetValue("Argus:ReadCache:Capacity", 100_000) : 0));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        var app = builder.Build();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await DatabaseRegistration.PrepareAsync(scope.ServiceProvider.GetRequiredService<AgencyDbContext>(), database, cancellationToken);
        }

        app.MapArgusDefaults();
        app.MapGrpcService<OperationGrpcService>();
        app.MapGrpcService<HouseSearchGrpcService>();
        app.MapGrpcService<ArrestGrpcService>();
        app.MapGrpcService<EvidenceGrpcService>();
        app.MapGrpcService<ConnectivityGrpcService>();
        app.MapGrpcService<AuditGrpcService>();
        app.MapGrpcService<ExchangeGrpcService>();
        app.MapGrpcService<ReplicaGrpcService>();
        app.MapGrpcService<LookupGrpcService>();
        return app;
    }
}
