using Argus.Agency.Persistence;
using Argus.Agency.Replica;
using Argus.Agency.Shared;
using Argus.Arrests.V1;
using Argus.Belgium;
using Argus.Client.Audit;
using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AuditEntryEntity = Argus.Agency.ProcessingLog.AuditEntryEntity;

namespace Argus.FunctionalTests;

/// <summary>
/// A hash chain shows an edited entry, but not a tail rewritten and re-chained consistently by
/// someone with the database. Belgium witnesses the Netherlands' signed log heads; then such a
/// rewrite passes the chain check and fails the witnessed-head check, which names the head.
/// </summary>
public sealed class WitnessedLogTests : IAsyncLifetime
{
    private RunningIdentity identity = null!;
    private RunningAgency nl = null!;
    private RunningAgency be = null!;
    private ClientCredentials auditor = null!;

    public async Task InitializeAsync()
    {
        identity = await RunningIdentity.StartAsync();
        var reads = new[] { ArgusScopes.Exchange, ArgusScopes.OperationsRead, ArgusScopes.SearchesRead, ArgusScopes.ArrestsRead, ArgusScopes.EvidenceRead };
        var (_, dutchService) = await identity.RegisterAgencyServiceAsync("argus-nl", "nl", [ArgusAudiences.Agency("be")], reads);
        var (_, belgianService) = await identity.RegisterAgencyServiceAsync("argus-be", "be", [ArgusAudiences.Agency("nl")], reads);
        var writer = await identity.RegisterAsync("witness-writer", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes, agency: "nl");
        auditor = await identity.RegisterAsync("witness-auditor", [ArgusAudiences.Agency("nl"), ArgusAudiences.Agency("be")], [ArgusScopes.AdminRead],
            mutualTls: false, agency: "");
        nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, writer, own: dutchService);
        be = await RunningAgency.StartAsync(new BelgianJurisdiction(), DatabaseProvider.Sqlite, identity, own: belgianService,
            partners: new Dictionary<string, Uri> { ["Nl"] = nl.Address });
    }

    public async Task DisposeAsync()
    {
        await be.DisposeAsync();
        await nl.DisposeAsync();
        await identity.DisposeAsync();
    }

    [Fact]
    public async Task A_rewritten_and_rechained_log_passes_the_chain_check_and_fails_the_witnessed_head_check_naming_the_head()
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

        var head = await be.Services.GetRequiredService<LogWitness>().WitnessAsync(AgencyCode.Nl, CancellationToken.None);
        await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) });
        Assert.True(head.Sequence >= 4, $"the witnessed head is at entry {head.Sequence}");
        Assert.Equal(0, (await VerifyAsync(witnessed: true)).ExitCode); // untouched, it extends the head

        // An insider with the database rewrites entry 2 and re-chains everything after it.
        await RewriteAndRechainAsync(fromSequence: 2);

        var chainOnly = await VerifyAsync(witnessed: false);
        var witnessed = await VerifyAsync(witnessed: true);

        Assert.Equal(0, chainOnly.ExitCode);
        Assert.Equal(7, witnessed.ExitCode);
        // Belgium also witnesses on its own (after its start-up catch-up, which may land after entry 2),
        // so the head this test took is one of possibly several contradicted heads, each named.
        Assert.Contains($"does not extend the head at entry {head.Sequence} ({head.Hash[..12]}…)", witnessed.Error, StringComparison.Ordinal);
    }

    private async Task RewriteAndRechainAsync(long fromSequence)
    {
        await using var scope = nl.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        var entries = await db.Set<AuditEntryEntity>().Where(e => e.Sequence != null).OrderBy(e => e.Sequence).ToListAsync();
        var previous = AuditChain.Genesis;
        foreach (var entry in entries)
        {
            if (entry.Sequence == fromSequence)
            {
                entry.ClientId = "someone-else";
            }

            if (entry.Sequence >= fromSequence)
            {
                entry.PreviousHash = previous;
                entry.Hash = AuditChain.Hash(entry.Sequence!.Value, entry.Time, entry.ClientId, entry.Action.ToString(), entry.Record, entry.Justification,
                    entry.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries), entry.Details, entry.PreviousHash);
            }

            previous = entry.Hash!;
        }

        await db.SaveChangesAsync();
    }

    private Task<(int ExitCode, string Out, string Error)> VerifyAsync(bool witnessed)
    {
        string[] args = ["audit", "verify", "--agency", nl.Address.ToString(), "--agency-code", "nl"];
        return AuditorCli.RunAsync(identity, auditor, witnessed ? [.. args, "--witness", be.Address.ToString(), "--witness-code", "be"] : args);
    }
}
