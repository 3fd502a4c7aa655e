using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Testing;

namespace Argus.FunctionalTests.Security;

/// <summary>An identity server and the Dutch service, with clients that hold different rights.</summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public RunningIdentity Identity { get; private set; } = null!;

    public RunningAgency Netherlands { get; private set; } = null!;

    /// <summary>May read arrests at the Dutch service; mutual TLS.</summary>
    public ClientCredentials Reader { get; private set; } = null!;

    /// <summary>May read operations only.</summary>
    public ClientCredentials OperationsOnly { get; private set; } = null!;

    /// <summary>May read arrests, but only at the Belgian service.</summary>
    public ClientCredentials BelgiumOnly { get; private set; } = null!;

    /// <summary>May read arrests at the Dutch service with a secret: unbound tokens.</summary>
    public ClientCredentials SecretReader { get; private set; } = null!;

    public string ArrestName { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Identity = await RunningIdentity.StartAsync();
        var nl = ArgusAudiences.Agency("nl");
        var writer = await Identity.RegisterAsync("security-writer", [nl], AgencyFixture.RecordScopes);
        Reader = await Identity.RegisterAsync("security-reader", [nl], [ArgusScopes.ArrestsRead]);
        OperationsOnly = await Identity.RegisterAsync("security-operations", [nl], [ArgusScopes.OperationsRead]);
        BelgiumOnly = await Identity.RegisterAsync("security-belgium", [ArgusAudiences.Agency("be")], [ArgusScopes.ArrestsRead]);
        SecretReader = await Identity.RegisterAsync("security-secret", [nl], [ArgusScopes.ArrestsRead], mutualTls: false);
        Netherlands = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, Identity, writer);

        var operation = (await Netherlands.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation;
        ArrestName = (await Netherlands.Client.Arrests.CreateArrestAsync(new Arrests.V1.CreateArrestRequest
        {
            Parent = operation.Name,
            Arrest = Records.Arrest(Records.DutchSuspect()),
        })).Arrest.Name;
    }

    public async Task DisposeAsync()
    {
        if (Netherlands is not null)
        {
            await Netherlands.DisposeAsync();
        }

        if (Identity is not null)
        {
            await Identity.DisposeAsync();
        }
    }
}
