using Argus.Belgium;
using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Testing;

namespace Argus.FunctionalTests;

/// <summary>
/// The identity server and both national services, on one database provider, with a partner
/// client per agency allowed every record scope there (mutual TLS, bound tokens).
/// </summary>
public abstract class AgencyFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public static readonly string[] RecordScopes =
    [
        ArgusScopes.OperationsRead, ArgusScopes.OperationsWrite, ArgusScopes.SearchesRead, ArgusScopes.SearchesWrite,
        ArgusScopes.ArrestsRead, ArgusScopes.ArrestsWrite, ArgusScopes.EvidenceRead, ArgusScopes.EvidenceWrite, ArgusScopes.InterceptsRead, ArgusScopes.InterceptsWrite,
    ];

    public DatabaseProvider Provider => provider;

    public RunningIdentity Identity { get; private set; } = null!;

    public RunningAgency Netherlands { get; private set; } = null!;

    public RunningAgency Belgium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Identity = await RunningIdentity.StartAsync(provider);
        // Each agency's records are written by a client acting for that agency.
        var dutchTester = await Identity.RegisterAsync("functional-tester-nl", [ArgusAudiences.Agency("nl")], RecordScopes, agency: "nl");
        var belgianTester = await Identity.RegisterAsync("functional-tester-be", [ArgusAudiences.Agency("be")], RecordScopes, agency: "be");
        Netherlands = await RunningAgency.StartAsync(new DutchJurisdiction(), provider, Identity, dutchTester);
        Belgium = await RunningAgency.StartAsync(new BelgianJurisdiction(), provider, Identity, belgianTester);
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

        if (Identity is not null)
        {
            await Identity.DisposeAsync();
        }
    }
}

public sealed class SqliteAgencies() : AgencyFixture(DatabaseProvider.Sqlite);

public sealed class PostgresAgencies() : AgencyFixture(DatabaseProvider.PostgreSql);
