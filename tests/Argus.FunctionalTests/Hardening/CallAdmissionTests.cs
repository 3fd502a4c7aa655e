using Argus.Client.Security;
using Argus.Hosting.Admission;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Operations.V1;
using Argus.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task An_overloaded_service_refuses_before_checking_the_token_and_still_answers_its_health_check()
    {
        await using var identity = await RunningIdentity.StartAsync();
        var caller = await identity.RegisterAsync("admission-early", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes);
        await using var nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, caller,
            extraArgs: ["--Argus:Limits:ConcurrentCalls=1", "--Argus:Limits:QueuedCalls=0"]);
        using var anonymous = nl.Anonymous();
        var get = new GetOperationRequest { Name = "operations/argus" };

        // The one turn held, and no room to queue: the service is full.
        var admission = nl.Services.GetRequiredService<CallAdmission>();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = admission.RunAsync(() => release.Task, CancellationToken.None);
        RpcException refused;
        try
        {
            // No token at all: authenticated first, this would be Unauthenticated.
            refused = await Assert.ThrowsAsync<RpcException>(() => anonymous.Operations.GetOperationAsync(get).ResponseAsync);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await anonymous.Health.CheckAsync(new HealthCheckRequest())).Status);
        }
        finally
        {
            release.SetResult(0);
            await held;
        }

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal(CallAdmission.QueueFull, refused.Status.Detail);
        // The same google.rpc.Status the admission's own refusal carries.
        var status = Grpc.Core.RpcExceptionExtensions.GetRpcStatus(refused);
        Assert.Equal(((int)Google.Rpc.Code.ResourceExhausted, CallAdmission.QueueFull), (status?.Code, status?.Message));

        // Room again: the call is authenticated as always.
        var unauthenticated = await Assert.ThrowsAsync<RpcException>(() => anonymous.Operations.GetOperationAsync(get).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
    }
}
