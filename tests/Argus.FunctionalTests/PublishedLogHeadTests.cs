using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
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
/// The owner publishes its signed log head on the bus after its log grew; the partner keeps it as
/// witnessed without asking. Belgium here asks only at start-up (its catch-up runs every five
/// minutes), so a head of entries written after that reaches it only as a published one.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class PublishedLogHeadTests : IAsyncLifetime
{
    private RunningIdentity identity = null!;
    private RunningAgency nl = null!;
    private RunningAgency be = null!;

    public async Task InitializeAsync()
    {
        identity = await RunningIdentity.StartAsync();
        var reads = new[] { ArgusScopes.Exchange, ArgusScopes.OperationsRead, ArgusScopes.SearchesRead, ArgusScopes.ArrestsRead, ArgusScopes.EvidenceRead };
        var (_, dutchService) = await identity.RegisterAgencyServiceAsync("argus-nl", "nl", [ArgusAudiences.Agency("be")], reads);
        var (_, belgianService) = await identity.RegisterAgencyServiceAsync("argus-be", "be", [ArgusAudiences.Agency("nl")], reads);
        var writer = await identity.RegisterAsync("head-writer", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes, agency: "nl");
        nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, writer, own: dutchService,
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}", "--Argus:ProcessingLog:HeadInterval=00:00:01"]);
        be = await RunningAgency.StartAsync(new BelgianJurisdiction(), DatabaseProvider.Sqlite, identity, own: belgianService,
            partners: new Dictionary<string, Uri> { ["Nl"] = nl.Address },
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}", $"--Argus:Replica:Queue={TestRabbitMq.UniqueQueue("argus.be.replica")}",
                "--Argus:Replica:SyncInterval=00:05:00"]);
        // Belgium's queue is bound before anything is published to it.
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
    public async Task A_head_of_entries_written_after_the_partners_last_question_reaches_it_signed_and_is_kept_as_witnessed()
    {
        var operation = (await nl.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
        for (var i = 0; i < 3; i++)
        {
            await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) });
        }

        await nl.Services.GetRequiredService<ProcessingLogWriter>().SealAsync();
        var (sequence, hash) = await NetherlandsHeadAsync();

        WitnessedLogHead? kept = null;
        var until = DateTime.UtcNow.AddSeconds(30);
        while (kept is null && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
            kept = (await BelgianWitnessedAsync()).FirstOrDefault(h => h.Sequence >= sequence);
        }

        Assert.True(kept is not null, $"Belgium kept no head at or after entry {sequence} within 30 s: {string.Join(", ", (await BelgianWitnessedAsync()).Select(h => h.Sequence))}");
        Assert.Equal(await NetherlandsHashAsync(kept.Sequence), kept.Hash); // the head of the Dutch chain as it is
        if (kept.Sequence == sequence)
        {
            Assert.Equal(hash, kept.Hash);
        }
    }

    [Fact]
    public async Task The_witness_refuses_a_head_its_signature_does_not_cover_and_keeps_a_head_offered_twice_once()
    {
        var witness = be.Services.GetRequiredService<LogWitness>();
        await nl.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest { OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21") });
        await nl.Services.GetRequiredService<ProcessingLogWriter>().SealAsync();
        var (sequence, hash) = await NetherlandsHeadAsync();
        var genuine = nl.Services.GetRequiredService<LogHeadSigner>().Sign(sequence, hash); // as the Dutch service publishes it
        var forged = genuine.Clone();
        forged.Hash = new string('f', 64); // a rewritten log's head, with the old signature

        await witness.KeepAsync(AgencyCode.Nl, genuine, CancellationToken.None);
        await witness.KeepAsync(AgencyCode.Nl, genuine, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => witness.KeepAsync(AgencyCode.Nl, forged, CancellationToken.None));

        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);
        var heads = await BelgianWitnessedAsync();
        Assert.Single(heads, h => h.Sequence == genuine.Sequence && h.Hash == genuine.Hash && h.SignTime == genuine.SignTime.ToDateTimeOffset());
        Assert.DoesNotContain(heads, h => h.Hash == forged.Hash);
    }

    private async Task<(long Sequence, string Hash)> NetherlandsHeadAsync()
    {
        await using var scope = nl.Services.CreateAsyncScope();
        return await ChainHead.ReadAsync(scope.ServiceProvider.GetRequiredService<AgencyDbContext>(), CancellationToken.None);
    }

    private async Task<string?> NetherlandsHashAsync(long sequence)
    {
        await using var scope = nl.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        return await db.Set<AuditEntryEntity>().AsNoTracking().Where(e => e.Sequence == sequence).Select(e => e.Hash).SingleAsync();
    }

    private async Task<List<WitnessedLogHead>> BelgianWitnessedAsync()
    {
        await using var scope = be.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        return await db.Set<WitnessedLogHead>().AsNoTracking().Where(h => h.Owner == AgencyCode.Nl).ToListAsync();
    }
}
