using Argus.Agency.Persistence;
using Argus.Agency.Replica;
using Argus.Agency.Shared;
using Argus.Arrests.V1;
using Argus.Belgium;
using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests;

/// <summary>
/// A partner agency granted fewer read scopes than there are kinds of record: the identity server
/// gave Belgium's service no <c>argus.intercepts.read</c>. A shared operation still reaches its
/// replica with every record it may read; the kind it may not is left out, not retried for ever
/// (which held the whole share back and ended in the error queue).
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ReplicaScopeTests : IAsyncLifetime
{
    private RunningIdentity identity = null!;
    private RunningAgency nl = null!;
    private RunningAgency be = null!;

    public async Task InitializeAsync()
    {
        identity = await RunningIdentity.StartAsync();
        // Every read scope but the intercepts'.
        var reads = new[] { ArgusScopes.Exchange, ArgusScopes.OperationsRead, ArgusScopes.SearchesRead, ArgusScopes.ArrestsRead, ArgusScopes.EvidenceRead };
        var (_, belgianService) = await identity.RegisterAgencyServiceAsync("argus-be", "be", [ArgusAudiences.Agency("nl")], reads);
        var writer = await identity.RegisterAsync("scope-writer", [ArgusAudiences.Agency("nl")], [.. AgencyFixture.RecordScopes, ArgusScopes.Exchange], agency: "nl");
        nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, writer,
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}"]);
        be = await RunningAgency.StartAsync(new BelgianJurisdiction(), DatabaseProvider.PostgreSql, identity, own: belgianService,
            partners: new Dictionary<string, Uri> { ["Nl"] = nl.Address },
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}", $"--Argus:Replica:Queue={TestRabbitMq.UniqueQueue("argus.be.replica")}",
                "--Argus:Replica:SyncInterval=00:05:00"]);
        var bus = await be.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        Assert.True(bus == BusHealthStatus.Healthy, $"Belgium's bus is {bus} after 30 s");
    }

    public async Task DisposeAsync()
    {
        await be.DisposeAsync();
        await nl.DisposeAsync();
        await identity.DisposeAsync();
    }

    [Fact]
    public async Task A_shared_operation_reaches_a_partner_without_the_intercepts_scope_with_the_records_it_may_read()
    {
        var operation = (await nl.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
        // Written before the share: only the share's own event can bring it to Belgium.
        var arrest = (await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest.Name;

        await nl.Client.Exchange.ShareRecordAsync(new Exchange.V1.ShareRecordRequest
        {
            Share = new Exchange.V1.Share
            {
                Record = operation, Recipient = Common.V1.AgencyCode.Be, Handling = new Common.V1.Handling { Code = Common.V1.HandlingCode.H3, Restrictions = "Not for onward sharing" },
                Purpose = "Joint investigation Argus",
            },
        });

        List<string> copies = [];
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until && !(copies.Contains(operation) && copies.Contains(arrest)))
        {
            await Task.Delay(100);
            await using var scope = be.Services.CreateAsyncScope();
            copies = await scope.ServiceProvider.GetRequiredService<AgencyDbContext>().Set<ForeignRecord>().AsNoTracking()
                .Where(c => c.Owner == AgencyCode.Nl).Select(c => c.Record).ToListAsync();
        }

        Assert.True(copies.Contains(operation) && copies.Contains(arrest),
            $"Belgium's replica holds [{string.Join(", ", copies)}] 30 s after the share, not the operation and its arrest");
    }
}
