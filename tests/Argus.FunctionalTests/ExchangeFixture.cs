using Argus.Agency.Callers;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Persistence;
using ReplicaStatistics = Argus.Agency.Replica.ReplicaStatistics;
using Argus.Belgium;
using Argus.Client;
using Argus.Client.Security;
using Argus.Common.V1;
using Argus.Exchange.V1;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Replica.V1;
using Argus.Testing;
using Grpc.Core;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests;

/// <summary>
/// The Netherlands as owner and Belgium as partner, both on the real RabbitMQ: Belgium's service
/// calls the Netherlands with its own mTLS credentials (argus-be) and keeps a replica. Belgium's
/// service can be started late, to play a partner that was down.
/// </summary>
public sealed class ExchangeFixture : IAsyncDisposable
{
    public static readonly Metadata Justified = new() { { Caller.JustificationHeader, "Identifying suspects for the Antwerp searches" } };

    /// <summary>Unreferenced evidence content goes within seconds, not the production 10 minutes (two sweeps).</summary>
    private const string JanitorEverySecond = "--Argus:Evidence:JanitorInterval=00:00:01";

    /// <summary>Belgium's replica queue, unique to this fixture.</summary>
    public string ReplicaQueue { get; } = TestRabbitMq.UniqueQueue("argus.be.replica");
    private (string ClientId, string Certificate, string Key) belgianService;
    private AccessTokenSource? belgianServiceTokens;

    public RunningIdentity Identity { get; private set; } = null!;

    public RunningAgency Netherlands { get; private set; } = null!;

    /// <summary>Null until <see cref="StartBelgiumAsync"/>.</summary>
    public RunningAgency? Belgium { get; private set; }

    /// <summary>Belgium's service as the Netherlands sees it: a partner with its own token.</summary>
    public AgencyClient BelgiumAtNetherlands { get; private set; } = null!;

    /// <summary>Both agencies' databases (SQLite unless <paramref name="provider"/> says otherwise).</summary>
    public DatabaseProvider Provider { get; private set; } = DatabaseProvider.Sqlite;

    public static async Task<ExchangeFixture> StartAsync(bool startBelgium = true, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var fixture = new ExchangeFixture { Provider = provider };
        fixture.Identity = await RunningIdentity.StartAsync();
        var owner = await fixture.Identity.RegisterAsync("exchange-owner", [ArgusAudiences.Agency("nl")], [.. AgencyFixture.RecordScopes, ArgusScopes.Exchange], agency: "nl");
        var (service, own) = await fixture.Identity.RegisterAgencyServiceAsync("argus-be", "be", [ArgusAudiences.Agency("nl")],
            [ArgusScopes.Exchange, ArgusScopes.OperationsRead, ArgusScopes.SearchesRead, ArgusScopes.ArrestsRead, ArgusScopes.EvidenceRead, ArgusScopes.InterceptsRead]);
        fixture.belgianService = own;
        fixture.Netherlands = await RunningAgency.StartAsync(new DutchJurisdiction(), provider, fixture.Identity, owner,
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}", JanitorEverySecond]);
        fixture.belgianServiceTokens = new AccessTokenSource(service);
        fixture.BelgiumAtNetherlands = fixture.Netherlands.ClientFor(service, fixture.belgianServiceTokens);
        if (startBelgium)
        {
            await fixture.StartBelgiumAsync();
        }

        return fixture;
    }

    public async Task StartBelgiumAsync()
    {
        var officer = await Identity.RegisterAsync($"be-officer-{Guid.NewGuid():N}"[..20], [ArgusAudiences.Agency("be")], [.. AgencyFixture.RecordScopes, ArgusScopes.Exchange], agency: "be");
        Belgium = await RunningAgency.StartAsync(new BelgianJurisdiction(), Provider, Identity, officer,
            own: belgianService,
            partners: new Dictionary<string, Uri> { ["Nl"] = Netherlands.Address },
            extraArgs: [$"--Argus:RabbitMq:Uri={TestRabbitMq.Uri}", $"--Argus:Replica:Queue={ReplicaQueue}", JanitorEverySecond]);
        // Tests start from a settled replica: its queue is bound (the queue is new to this fixture,
        // so an event routed before the binding exists would be dropped and left to the next Sync),
        // and the start-up catch-up with the Netherlands is done.
        var bus = await Belgium.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        if (bus != BusHealthStatus.Healthy)
        {
            throw new TimeoutException($"Belgium's bus is {bus} after 30 s: its replica queue is not ready.");
        }

        var until = DateTime.UtcNow.AddSeconds(30);
        while (BelgianReplica.CatchUpRounds == 0)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("Belgium's replica did not finish its start-up catch-up with the Netherlands within 30 s.");
            }

            await Task.Delay(20);
        }
    }

    public ReplicaStatistics BelgianReplica => Belgium!.Services.GetRequiredService<ReplicaStatistics>();

    /// <summary>Shares <paramref name="record"/> (a record or an operation) with Belgium.</summary>
    public async Task<Share> ShareWithBelgiumAsync(string record, HandlingCode code = HandlingCode.H2, string restrictions = "") =>
        (await Netherlands.Client.Exchange.ShareRecordAsync(new ShareRecordRequest
        {
            Share = new Share { Record = record, Recipient = AgencyCode.Be, Handling = new Handling { Code = code, Restrictions = restrictions }, Purpose = "Joint investigation Argus" },
        })).Share;

    /// <summary>Belgium's copies of Dutch records, all pages.</summary>
    public async Task<List<ForeignRecord>> BelgianCopiesAsync()
    {
        var copies = new List<ForeignRecord>();
        var token = "";
        do
        {
            var page = await Belgium!.Client.Replica.ListForeignRecordsAsync(new ListForeignRecordsRequest { Owner = AgencyCode.Nl, PageSize = 1000, PageToken = token });
            copies.AddRange(page.ForeignRecords);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return copies;
    }

    /// <summary>Polls Belgium's copies until <paramref name="done"/> holds; fails with what it saw after <paramref name="timeout"/>.</summary>
    public async Task<List<ForeignRecord>> WaitForCopiesAsync(Func<List<ForeignRecord>, bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var copies = await BelgianCopiesAsync();
            if (done(copies))
            {
                return copies;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Belgium's replica did not converge within {timeout.TotalSeconds} s: it holds {copies.Count} copies "
                    + $"({string.Join(", ", copies.Select(c => $"{c.Record} v{c.Version}"))}).");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Entries of Belgium's processing log whose details mention <paramref name="text"/>.</summary>
    public async Task<List<AuditEntryEntity>> BelgianLogAsync(string text)
    {
        await using var scope = Belgium!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        return await db.Set<AuditEntryEntity>().AsNoTracking().Where(e => e.Details.Contains(text)).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        BelgiumAtNetherlands?.Dispose();
        belgianServiceTokens?.Dispose();
        if (Belgium is not null)
        {
            await Belgium.DisposeAsync();
        }

        await Netherlands.DisposeAsync();
        await Identity.DisposeAsync();
        await TestRabbitMq.DeleteQueuesAsync(ReplicaQueue);
    }
}
