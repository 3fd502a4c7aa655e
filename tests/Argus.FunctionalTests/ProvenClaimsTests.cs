using Argus.Agency.Persistence;
using Argus.Arrests.V1;
using Argus.Common.V1;
using Argus.Lookup.V1;
using Argus.Operations.V1;
using Argus.Testing;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AuditEntryEntity = Argus.Agency.ProcessingLog.AuditEntryEntity;
using ProcessingAction = Argus.Agency.ProcessingLog.ProcessingAction;

namespace Argus.FunctionalTests;

/// <summary>What the README promises of the log, the events and the errors, each shown on the real services and broker.</summary>
[Collection(BrokerCollection.Name)]
public sealed class ProvenClaimsTests
{
    [Fact]
    public async Task A_partner_read_is_logged_as_a_disclosure_naming_the_recipient_and_its_justification()
    {
        await using var exchange = await ExchangeFixture.StartAsync(startBelgium: false);
        var (operation, arrest) = await OperationWithArrestAsync(exchange);
        await exchange.ShareWithBelgiumAsync(operation);

        await exchange.BelgiumAtNetherlands.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest }, ExchangeFixture.Justified);

        var entries = await DutchLogAsync(exchange, arrest);
        var disclosure = Assert.Single(entries, e => e.Action == ProcessingAction.Disclosure);
        Assert.Equal("be", disclosure.Recipients);
        Assert.Equal(ExchangeFixture.Justified.GetValue(Agency.Callers.Caller.JustificationHeader), disclosure.Justification);
    }

    [Fact]
    public async Task A_hit_no_hit_lookup_is_logged_as_a_combination_whether_it_hits_or_not()
    {
        await using var exchange = await ExchangeFixture.StartAsync(startBelgium: false);
        await OperationWithArrestAsync(exchange);
        var byIdentifier = new LookupRequest { NationalIdentifier = Records.DutchSuspect().NationalIdentifier };

        var hit = await exchange.BelgiumAtNetherlands.Lookup.LookupAsync(byIdentifier, ExchangeFixture.Justified);
        var miss = await exchange.BelgiumAtNetherlands.Lookup.LookupAsync(
            new LookupRequest { Handle = new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = "SKY-NOBODY-" + Guid.NewGuid().ToString("N")[..6] } },
            ExchangeFixture.Justified);

        Assert.True(hit.Hit);
        Assert.False(miss.Hit);
        var logged = Assert.Single(await DutchLogAsync(exchange, hit.Reference));
        Assert.Equal(ProcessingAction.Combination, logged.Action);
        Assert.Equal("be", logged.Recipients);
        Assert.Contains("hit on operations/", logged.Details, StringComparison.Ordinal);
        Assert.Contains(await DutchLogAsync(exchange, "lookups"), e => e.Action == ProcessingAction.Combination && e.Details.EndsWith("no hit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_change_to_a_shared_record_reaches_the_recipient_queue_as_a_correction()
    {
        await using var exchange = await ExchangeFixture.StartAsync(startBelgium: false);
        await using var belgian = await EventSubscriber.StartAsync("be", "argus.record-corrected");
        var (operation, arrest) = await OperationWithArrestAsync(exchange);
        await exchange.ShareWithBelgiumAsync(operation);
        var nl = exchange.Netherlands.Client;
        var current = (await nl.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest })).Arrest;
        current.LegalBasis = "Art. 67 Sv (corrected)";

        await nl.Arrests.UpdateArrestAsync(new UpdateArrestRequest { Arrest = current, UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "legal_basis" } } });

        await belgian.WaitForAsync(received => received.Any(e => e.Record == arrest), TimeSpan.FromSeconds(20));
        Assert.Contains(belgian.Received, e => e.Exchange == "argus.record-corrected" && e.Record == arrest);
    }

    [Fact]
    public async Task Not_found_names_the_resource_in_a_resource_info_detail()
    {
        await using var exchange = await ExchangeFixture.StartAsync(startBelgium: false);
        var name = $"operations/{Records.NewOperationId()}/arrests/nobody";

        var missing = await Assert.ThrowsAsync<RpcException>(() => exchange.Netherlands.Client.Arrests.GetArrestAsync(new GetArrestRequest { Name = name }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal(name, missing.GetRpcStatus()?.GetDetail<ResourceInfo>()?.ResourceName);
    }

    [Fact]
    public async Task Reflection_lists_every_service_the_agency_maps()
    {
        await using var exchange = await ExchangeFixture.StartAsync(startBelgium: false);
        var mapped = exchange.Netherlands.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<Grpc.AspNetCore.Server.GrpcMethodMetadata>()?.Method.ServiceName)
            .OfType<string>().Where(s => s.Length > 0).Distinct().ToList();
        using var channel = GrpcChannel.ForAddress(exchange.Netherlands.Address,
            new GrpcChannelOptions { HttpHandler = Argus.Client.Security.TrustedCertificates.Handler(RunningIdentity.CaCertificate, null) });
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var listed = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("argus.arrests.v1.ArrestService", mapped);
        Assert.Contains("argus.lookup.v1.LookupService", mapped);
        Assert.All(mapped, service => Assert.Contains(service, listed));
    }

    private static async Task<(string Operation, string Arrest)> OperationWithArrestAsync(ExchangeFixture exchange)
    {
        var nl = exchange.Netherlands.Client;
        var operation = (await nl.Operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
        var arrest = (await nl.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest.Name;
        return (operation, arrest);
    }

    private static async Task<List<AuditEntryEntity>> DutchLogAsync(ExchangeFixture exchange, string record)
    {
        // Consultation entries commit before the answer is sent; read them as they are.
        await using var scope = exchange.Netherlands.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        return await db.Set<AuditEntryEntity>().AsNoTracking().Where(e => e.Record == record).ToListAsync();
    }
}
