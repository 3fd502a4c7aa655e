using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Argus.Agency.Persistence;

/// <summary>The service is only healthy when its database answers.</summary>
internal sealed class DatabaseHealthCheck(AgencyDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
