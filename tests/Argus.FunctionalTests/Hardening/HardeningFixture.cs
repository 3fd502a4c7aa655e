using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Operations.V1;
using Argus.Testing;

namespace Argus.FunctionalTests.Hardening;

/// <summary>
/// An identity server and the Dutch service in this process (SQLite), called by a client acting for
/// the Netherlands with every record scope plus exchange and admin reads, and one operation to
/// read. Each test class that takes it gets its own.
/// </summary>
public sealed class HardeningFixture : IAsyncLifetime
{
    /// <summary>Everything a Dutch partner system may be given: no method is refused for a missing scope.</summary>
    public static readonly string[] OwnerScopes = [.. AgencyFixture.RecordScopes, ArgusScopes.Exchange, ArgusScopes.AdminRead];

    public RunningIdentity Identity { get; private set; } = null!;

    public RunningAgency Netherlands { get; private set; } = null!;

    /// <summary>The client <see cref="RunningAgency.Client"/> of <see cref="Netherlands"/> calls as (mutual TLS, bound tokens).</summary>
    public ClientCredentials Owner { get; private set; } = null!;

    /// <summary>An operation that exists, "operations/op-…".</summary>
    public string OperationName { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Identity = await RunningIdentity.StartAsync();
        Owner = await Identity.RegisterAsync("hardening-owner", [ArgusAudiences.Agency("nl")], OwnerScopes, agency: "nl");
        Netherlands = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, Identity, Owner);
        OperationName = (await Netherlands.Client.Operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
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
