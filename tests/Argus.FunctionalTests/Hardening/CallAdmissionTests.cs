using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Operations.V1;
using Argus.Testing;
using Grpc.Core;

namespace Argus.FunctionalTests.Hardening;

/// <summary>A service takes on only so many unary calls at once; beyond its queue it refuses at once, and stays up.</summary>
public sealed class CallAdmissionTests
{
    [Fact]
    public async Task Calls_beyond_the_services_turns_and_queue_are_refused_with_resource_exhausted_and_the_rest_answered()
    {
        await using var identity = await RunningIdentity.StartAsync();
        var caller = await identity.RegisterAsync("admission-caller", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes);
        await using var nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, caller,
            extraArgs: ["--Argus:Limits:ConcurrentCalls=1", "--Argus:Limits:QueuedCalls=0"]);
        var operation = (await nl.Client.Operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            try
            {
                await nl.Client.Operations.GetOperationAsync(new GetOperationRequest { Name = operation });
                return (Code: StatusCode.OK, Detail: "");
            }
            catch (RpcException ex)
            {
                return (Code: ex.StatusCode, Detail: ex.Status.Detail);
            }
        }));

        Assert.All(outcomes, o => Assert.True(o.Code is StatusCode.OK or StatusCode.ResourceExhausted, $"{o.Code}: {o.Detail}"));
        Assert.Contains(outcomes, o => o.Code == StatusCode.OK);
        var refused = Assert.Single(outcomes.Where(o => o.Code == StatusCode.ResourceExhausted).Select(o => o.Detail).Distinct());
        Assert.Contains("Argus:Limits", refused, StringComparison.Ordinal);
        // Still serving once the burst is over.
        await nl.Client.Operations.GetOperationAsync(new GetOperationRequest { Name = operation });
    }
}
