using Argus.Agency;
using Argus.Agency.Callers;
using Argus.Agency.Records;
using Argus.Arrests.V1;
using Argus.Client;
using Argus.Client.Security;
using Argus.Common.V1;
using Argus.Evidence.V1;
using Argus.Operations.V1;
using Argus.Replica.V1;
using Argus.Searches.V1;
using Argus.Testing;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests;

/// <summary>
/// The security properties of every registered record kind, and of every method the service maps,
/// checked from the registry and the endpoints themselves, so that a kind or a method added later
/// is covered without anyone remembering to add it here.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class RecordKindTests
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    /// <summary>What a partner agency may call — the whole list, so that opening one more method is a visible decision.</summary>
    private static readonly string[] OpenToPartners =
    [
        "/argus.arrests.v1.ArrestService/GetArrest", "/argus.arrests.v1.ArrestService/ListArrests",
        "/argus.audit.v1.AuditService/GetSignedLogHead",
        "/argus.connectivity.v1.ConnectivityService/WhoAmI",
        "/argus.evidence.v1.CustodyService/ListCustodyEvents", "/argus.evidence.v1.CustodyService/RecordPartnerCustodyEvent",
        "/argus.evidence.v1.EvidenceContentService/ReadContent",
        "/argus.evidence.v1.EvidenceService/GetEvidenceItem", "/argus.evidence.v1.EvidenceService/ListEvidenceItems",
        "/argus.exchange.v1.ExchangeService/Sync",
        "/argus.intercepts.v1.InterceptDatasetService/GetInterceptDataset", "/argus.intercepts.v1.InterceptDatasetService/ListInterceptDatasets",
        "/argus.intercepts.v1.InterceptService/StreamSharedMessages",
        "/argus.lookup.v1.LookupService/CreateFollowUp", "/argus.lookup.v1.LookupService/GetFollowUp",
        "/argus.lookup.v1.LookupService/ListFollowUps", "/argus.lookup.v1.LookupService/Lookup",
        "/argus.operations.v1.OperationService/GetOperation", "/argus.operations.v1.OperationService/ListOperations",
        "/argus.searches.v1.HouseSearchService/GetHouseSearch", "/argus.searches.v1.HouseSearchService/ListHouseSearches",
    ];

    /// <summary>One valid record of each kind, created at the Netherlands in <c>operation</c>; a new kind needs its sample here.</summary>
    private static readonly Dictionary<string, Func<AgencyClient, string, Task<string>>> Samples = new()
    {
        ["Operation"] = async (nl, _) => (await nl.Operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21"),
        })).Operation.Name,
        ["HouseSearch"] = async (nl, operation) => (await nl.HouseSearches.CreateHouseSearchAsync(new CreateHouseSearchRequest { Parent = operation, HouseSearch = Records.HouseSearch() })).HouseSearch.Name,
        ["Arrest"] = async (nl, operation) => (await nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest.Name,
        ["EvidenceItem"] = async (nl, operation) => (await nl.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest
        {
            Parent = operation, EvidenceItem = Records.Firearm($"SKY-{Guid.NewGuid():N}"[..16]),
        })).EvidenceItem.Name,
        ["InterceptDataset"] = async (nl, operation) => (await nl.InterceptDatasets.CreateInterceptDatasetAsync(new Argus.Intercepts.V1.CreateInterceptDatasetRequest
        {
            Parent = operation, InterceptDataset = Records.SkyEccDataset(),
        })).InterceptDataset.Name,
    };

    public static TheoryData<string> Kinds() => [.. AgencyRecordKinds.All.All.Select(k => k.Name)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_partner_cannot_change_a_kind_does_not_see_it_unshared_and_receives_it_shared(string kindName)
    {
        var kind = AgencyRecordKinds.All.ByName(kindName);
        Assert.True(Samples.TryGetValue(kind.Name, out var sample), $"Add a sample {kind.Name} to {nameof(RecordKindTests)}.{nameof(Samples)}.");
        await using var exchange = await ExchangeFixture.StartAsync();
        var nl = exchange.Netherlands.Client;
        var operation = await Samples["Operation"](nl, "");
        var record = kind.Collection is null ? operation : await sample(nl, operation);

        // Creating and changing: every method of the kind's service that is not a read is closed to partners.
        var (invoker, channel, tokens) = await FullyScopedPartnerAsync(exchange);
        using (channel)
        using (tokens)
        {
            var writes = MethodsOf(exchange.Netherlands).Where(m => m.Metadata.ServiceType == kind.ServiceType && !m.Open).ToList();
            Assert.Contains(writes, m => m.Metadata.Method.Name.StartsWith("Create", StringComparison.Ordinal));
            foreach (var write in writes)
            {
                var refused = await CallAsync(invoker, write.Metadata.Method);
                Assert.True(refused is { StatusCode: StatusCode.PermissionDenied } && refused.Status.Detail == PartnerGate.Refusal,
                    $"{write.Path} answered a partner with {refused?.StatusCode.ToString() ?? "OK"}: {refused?.Status.Detail}");
            }
        }

        // Unshared: exactly as if it did not exist.
        var hidden = await Assert.ThrowsAsync<RpcException>(() => kind.GetFromOwnerAsync(exchange.BelgiumAtNetherlands, record, new CallOptions(ExchangeFixture.Justified)));
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);

        // Shared: it reaches Belgium's replica, as its kind.
        await exchange.ShareWithBelgiumAsync(record, HandlingCode.H1);
        var copies = await exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == record), Converge);
        var copy = copies.Single(c => c.Record == record);
        Assert.Equal(kind.Message.Name, ContentOf(copy).Descriptor.Name);
    }

    [Fact]
    public async Task Every_method_a_partner_calls_is_refused_before_it_runs_unless_it_is_open_to_partners()
    {
        await using var exchange = await ExchangeFixture.StartAsync(startBelgium: false);
        var methods = MethodsOf(exchange.Netherlands);
        Assert.Equal(OpenToPartners.Order(StringComparer.Ordinal), methods.Where(m => m.Open).Select(m => m.Path).Order(StringComparer.Ordinal));
        Assert.Contains(methods, m => m.Path == "/argus.arrests.v1.ArrestService/CreateArrest");

        var (invoker, channel, tokens) = await FullyScopedPartnerAsync(exchange);
        using (channel)
        using (tokens)
        {
            foreach (var method in methods)
            {
                // An empty message: valid protobuf for every request, so anything but the gate answers with what it thinks of it.
                var status = await CallAsync(invoker, method.Metadata.Method);
                if (method.Open)
                {
                    Assert.False(status is { StatusCode: StatusCode.PermissionDenied } && status.Status.Detail == PartnerGate.Refusal, $"{method.Path} is open to partners but the gate refused it.");
                }
                else
                {
                    Assert.True(status is { StatusCode: StatusCode.PermissionDenied } && status.Status.Detail == PartnerGate.Refusal,
                        $"{method.Path} is not open to partners but answered {status?.StatusCode.ToString() ?? "OK"}: {status?.Status.Detail}");
                }
            }
        }
    }

    /// <summary>
    /// A Belgian client holding every scope of the Dutch service, so that a refusal can only come
    /// from the partner gate, not from a missing scope.
    /// </summary>
    private static async Task<(CallInvoker Invoker, Grpc.Net.Client.GrpcChannel Channel, AccessTokenSource Tokens)> FullyScopedPartnerAsync(ExchangeFixture exchange)
    {
        var partner = await exchange.Identity.RegisterAsync($"be-all-{Guid.NewGuid():N}"[..16], [ArgusAudiences.Agency("nl")],
            [.. AgencyFixture.RecordScopes, ArgusScopes.Exchange, ArgusScopes.AdminRead], agency: "be");
        var tokens = new AccessTokenSource(partner);
        var invoker = ArgusChannel.Create(exchange.Netherlands.Address,
            new ArgusChannelOptions { Credentials = partner, Tokens = tokens, Audience = ArgusAudiences.Agency("nl"), MaxAttempts = 1 }, [], out var channel);
        return (invoker, channel, tokens);
    }

    private sealed record MappedMethod(string Path, GrpcMethodMetadata Metadata, bool Open);

    /// <summary>Every method of our contracts the service maps (health and reflection answer anyone, token or not).</summary>
    private static List<MappedMethod> MethodsOf(RunningAgency agency)
    {
        var grpc = agency.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => (Endpoint: e, Method: e.Metadata.GetMetadata<GrpcMethodMetadata>()))
            .Where(e => e.Method is not null)
            .ToList();
        Assert.All(grpc.Where(e => !e.Method!.Method.ServiceName.StartsWith("argus.", StringComparison.Ordinal) && e.Method.Method.ServiceName.Length > 0),
            e => Assert.NotNull(e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>()));
        return grpc
            .Where(e => e.Method!.Method.ServiceName.StartsWith("argus.", StringComparison.Ordinal))
            .DistinctBy(e => e.Method!.Method.FullName)
            .Select(e => new MappedMethod(e.Method!.Method.FullName, e.Method, e.Endpoint.Metadata.GetMetadata<OpenToPartnersAttribute>() is not null))
            .ToList();
    }

    /// <summary>Calls <paramref name="method"/> with an empty message, whatever its type; null when it succeeded.</summary>
    private static async Task<RpcException?> CallAsync(CallInvoker invoker, IMethod method)
    {
        var bytes = Marshallers.Create(b => b, b => b);
        var raw = new Method<byte[], byte[]>(method.Type, method.ServiceName, method.Name, bytes, bytes);
        var options = new CallOptions(ExchangeFixture.Justified, deadline: DateTime.UtcNow.AddSeconds(10));
        try
        {
            switch (method.Type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(raw, null, options, []);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(raw, null, options, []))
                    {
                        while (await call.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }

                    break;
                default:
                    using (var call = invoker.AsyncDuplexStreamingCall(raw, null, options))
                    {
                        try
                        {
                            await call.RequestStream.WriteAsync([]);
                            await call.RequestStream.CompleteAsync();
                        }
                        catch (RpcException)
                        {
                            // The service answered (the gate refuses without reading) before the
                            // message went out: the write only learns the call is over; its answer
                            // is read below.
                        }

                        while (await call.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }

                    break;
            }

            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    /// <summary>Whichever message the copy carries in its content oneof.</summary>
    private static Google.Protobuf.IMessage ContentOf(ForeignRecord copy) =>
        (Google.Protobuf.IMessage)(ForeignRecord.Descriptor.Oneofs.Single(o => o.Name == "content").Accessor.GetCaseFieldDescriptor(copy)?.Accessor.GetValue(copy)
            ?? throw new InvalidOperationException($"{copy.Name} has no content."));
}
