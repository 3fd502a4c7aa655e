using Argus.Hosting.Admission;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Argus.UnitTests.Hosting;

/// <summary>Which calls the early refusal stops while the admission is full, and which it lets through to be counted or served.</summary>
public sealed class OverloadRefusalTests
{
    [Theory]
    [InlineData(MethodType.Unary, "argus.operations.v1.OperationService", true, true)]
    [InlineData(MethodType.Unary, "argus.operations.v1.OperationService", false, false)] // room left
    [InlineData(MethodType.ClientStreaming, "argus.intercepts.v1.InterceptService", true, false)] // streams are not counted
    [InlineData(MethodType.Unary, "grpc.health.v1.Health", true, false)] // a load balancer is told the truth
    public async Task Only_counted_calls_are_refused_and_only_while_the_admission_is_full(MethodType type, string service, bool full, bool refused)
    {
        using var admission = new CallAdmission(concurrent: 1, queued: 0);
        var release = new TaskCompletionSource<int>();
        var held = full ? admission.RunAsync(() => release.Task, CancellationToken.None) : Task.FromResult(0);
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/grpc";
        var method = new Method<byte[], byte[]>(type, service, "Call", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new GrpcMethodMetadata(typeof(object), method)), "call"));
        var passed = false;

        await new OverloadRefusal(_ => { passed = true; return Task.CompletedTask; }, admission).InvokeAsync(context);

        Assert.Equal(!refused, passed);
        Assert.Equal(refused ? "8" : null, context.Response.Headers["grpc-status"].FirstOrDefault());
        release.SetResult(0);
        await held;
    }
}
