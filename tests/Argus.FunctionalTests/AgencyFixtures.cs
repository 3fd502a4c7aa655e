using Argus.Agency.Persistence;
using Argus.Belgium;
using Argus.Netherlands;
using Argus.Testing;

namespace Argus.FunctionalTests;

/// <summary>Both national services, running on one database provider for the tests of a class.</summary>
public abstract class AgencyFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public DatabaseProvider Provider => provider;

    public RunningAgency Netherlands { get; private set; } = null!;

    public RunningAgency Belgium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Netherlands = await RunningAgency.StartAsync(new DutchJurisdiction(), provider);
        Belgium = await RunningAgency.StartAsync(new BelgianJurisdiction(), provider);
    }

    public async Task DisposeAsync()
    {
        if (Netherlands is not null)
        {
            await Netherlands.DisposeAsync();
        }

        if (Belgium is not null)
        {
            await Belgium.DisposeAsync();
        }
    }
}

public sealed class SqliteAgencies() : AgencyFixture(DatabaseProvider.Sqlite);

public sealed class PostgresAgencies() : AgencyFixture(DatabaseProvider.PostgreSql);
