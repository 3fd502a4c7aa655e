using Argus.Agency.Persistence;
using AuditEntryEntity = Argus.Agency.ProcessingLog.AuditEntryEntity;
using Argus.Arrests.V1;
using Argus.Audit.V1;
using Argus.Client.Audit;
using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests;

/// <summary>The processing log: every collection, alteration and consultation, hash-chained, verifiable, tamper-evident.</summary>
public abstract class ProcessingLogTests(DatabaseProvider provider) : IAsyncLifetime
{
    private RunningIdentity identity = null!;
    private RunningAgency nl = null!;
    private ClientCredentials writer = null!;
    private ClientCredentials auditor = null!;

    public async Task InitializeAsync()
    {
        identity = await RunningIdentity.StartAsync();
        writer = await identity.RegisterAsync("log-writer", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes);
        auditor = await identity.RegisterAsync("log-auditor", [ArgusAudiences.Agency("nl")], [ArgusScopes.AdminRead], mutualTls: false);
        nl = await RunningAgency.StartAsync(new DutchJurisdiction(), provider, identity, writer);
    }

    public async Task DisposeAsync()
    {
        await nl.DisposeAsync();
        await identity.DisposeAsync();
    }

    [Fact]
    public async Task Collection_consultation_and_alteration_are_logged_with_client_and_justification()
    {
        var arrest = await CreateArrestAsync();
        var justification = new Metadata { { "x-argus-justification", "Preparing the hearing of 12 March (RC Rotterdam)" } };
        await nl.Client.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name }, justification);
        await nl.Client.Arrests.UpdateArrestAsync(new UpdateArrestRequest
        {
            Arrest = new Arrest { Name = arrest.Name, Etag = arrest.Etag, CustodyStatus = CustodyStatus.PreTrialDetention },
            UpdateMask = new FieldMask { Paths = { "custody_status" } },
        });

        var entries = await EntriesAsync(arrest.Name);

        Assert.Equal([ProcessingAction.Collection, ProcessingAction.Consultation, ProcessingAction.Alteration], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("log-writer", e.ClientId));
        Assert.Equal("Preparing the hearing of 12 March (RC Rotterdam)", entries[1].Justification);
        Assert.Equal("fields: custody_status", entries[2].Details);
        Assert.DoesNotContain(entries, e => e.Details.Contains("de Vries", StringComparison.Ordinal)); // identifiers, not personal data
    }

    [Fact]
    public async Task A_justification_beyond_ASCII_travels_as_UTF8_and_is_logged_as_written()
    {
        var arrest = await CreateArrestAsync();
        const string reason = "Huiszoeking Liège, dossier «2021/113» — verzoek onderzoeksrechter";

        await nl.Client.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name }, Argus.Client.Justification.Of(reason));
        var malformed = await Assert.ThrowsAsync<RpcException>(() => nl.Client.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name },
            new Metadata { { "x-argus-justification-bin", new byte[] { 0x4c, 0x69, 0xc3, 0x28 } } }).ResponseAsync);

        Assert.Equal(reason, (await EntriesAsync(arrest.Name))[1].Justification);
        Assert.Equal(["x-argus-justification-bin"], Records.ViolatedFields(malformed));
    }

    [Fact]
    public async Task The_chain_verifies_after_many_concurrent_consultations()
    {
        var arrest = await CreateArrestAsync();
        var before = (await EntriesAsync()).Count;

        await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => nl.Client.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name }).ResponseAsync));

        var all = await EntriesAsync();
        Assert.Equal(before + 60, all.Count);
        var previous = AuditChain.Genesis;
        long sequence = 0;
        Assert.Null(AuditChain.FirstBreak(all, ref previous, ref sequence));
        Assert.Equal(all.Count, sequence);
        var (exit, output, _) = await ArgusAsync("audit", "verify");
        Assert.Equal(0, exit);
        Assert.Contains($"{all.Count} entries", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampering_with_an_entry_is_detected_and_the_entry_named()
    {
        var arrest = await CreateArrestAsync();
        await nl.Client.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name });
        var victim = (await EntriesAsync(arrest.Name))[0].Sequence;

        await using (var scope = nl.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            await db.Set<AuditEntryEntity>().Where(e => e.Sequence == victim).ExecuteUpdateAsync(e => e.SetProperty(x => x.ClientId, "someone-else"));
        }

        var (exit, _, error) = await ArgusAsync("audit", "verify");

        Assert.Equal(6, exit);
        Assert.Contains($"broken at entry {victim}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_an_entry_is_detected()
    {
        var arrest = await CreateArrestAsync();
        await nl.Client.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name });
        var removed = (await EntriesAsync(arrest.Name))[0].Sequence;

        await using (var scope = nl.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            await db.Set<AuditEntryEntity>().Where(e => e.Sequence == removed).ExecuteDeleteAsync();
        }

        var (exit, _, error) = await ArgusAsync("audit", "verify");

        Assert.Equal(6, exit);
        Assert.Contains($"entry {removed} is missing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_auditors_read_the_log()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => AuditClient(writer, out _).ListAuditEntriesAsync(new ListAuditEntriesRequest()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    private async Task<Arrest> CreateArrestAsync()
    {
        var operation = (await nl.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation;
        return (await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation.Name, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest;
    }

    private async Task<List<AuditEntry>> EntriesAsync(string record = "")
    {
        var client = AuditClient(auditor, out var channel);
        using (channel)
        {
            var all = new List<AuditEntry>();
            long after = 0;
            do
            {
                var page = await client.ListAuditEntriesAsync(new ListAuditEntriesRequest { AfterSequence = after, Record = record, PageSize = 1000 });
                all.AddRange(page.Entries);
                after = page.NextAfterSequence;
            }
            while (after > 0);
            return all;
        }
    }

    private AuditService.AuditServiceClient AuditClient(ClientCredentials credentials, out IDisposable channel)
    {
        var tokens = new AccessTokenSource(credentials);
        var invoker = Client.ArgusChannel.Create(nl.Address,
            new Client.ArgusChannelOptions { Credentials = credentials, Tokens = tokens, Audience = ArgusAudiences.Agency("nl") }, [], out var grpcChannel);
        channel = grpcChannel;
        return new AuditService.AuditServiceClient(invoker);
    }

    private Task<(int ExitCode, string Out, string Error)> ArgusAsync(params string[] args) =>
        AuditorCli.RunAsync(identity, auditor, [.. args, "--agency", nl.Address.ToString(), "--agency-code", "nl"]);
}

[Trait("Database", "Sqlite")]
public sealed class ProcessingLogOnSqlite() : ProcessingLogTests(DatabaseProvider.Sqlite);

[Trait("Database", "PostgreSql")]
public sealed class ProcessingLogOnPostgres() : ProcessingLogTests(DatabaseProvider.PostgreSql);
