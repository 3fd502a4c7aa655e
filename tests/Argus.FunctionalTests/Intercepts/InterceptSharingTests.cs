using System.Text.Json;
using Argus.Agency.Intercepts.Messages;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Client.Intercepts;
using Argus.Client.Security;
using Argus.Common.V1;
using Argus.Exchange.V1;
using Argus.Hosting.Persistence;
using Argus.Intercepts.V1;
using Argus.Lookup.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests.Intercepts;

/// <summary>
/// A dataset crossing the border: the Netherlands shares it (whole or a subset) with Belgium, whose
/// service pulls it into its own database with its own bulk path; the owner logs each stream once.
/// Narrowing the subset and revoking the share reach Belgium's copy through the replica's events.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class InterceptSharingTests
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_shared_subset_is_pulled_into_the_partners_database_searchable_there_and_disclosed_once_per_stream_with_its_count(DatabaseProvider provider)
    {
        await using var exchange = await ExchangeFixture.StartAsync(provider: provider);
        var generated = new SyntheticSkyEcc(6_000, seed: 3);
        var antwerp = new MessageSubset();
        antwerp.Handles.AddRange(generated.AntwerpSuspects);
        var dataset = await InterceptFiles.DatasetAsync(exchange.Netherlands.Client, antwerp);
        var content = await InterceptFiles.GeneratedAsync(generated);
        await InterceptFiles.ImportAsync(exchange.Netherlands.Client, dataset, content);
        var expected = Rows(content).Count(r => generated.AntwerpSuspects.Contains(r.Sender) || generated.AntwerpSuspects.Contains(r.Recipient));
        await ShareAsync(exchange, dataset);

        var pulled = await PullAsync(exchange, dataset);

        Assert.True(pulled.Done);
        Assert.Equal((expected, expected), (pulled.Received, pulled.Offered));
        var contents = await exchange.Belgium!.Client.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset });
        Assert.True(contents.Foreign);
        Assert.Equal(expected, contents.MessageCount);
        Assert.Equal(generated.AntwerpSuspects.Select(h => h.ToLowerInvariant()).Order(), contents.SharedSubset.Handles.Order());

        // Belgium finds the Dutch–Antwerp conversations in its copy, and nothing outside the subset.
        var across = await SearchAtBelgiumAsync(exchange, new() { Dataset = dataset, Handle = generated.DutchSuspects[0], Counterpart = generated.AntwerpSuspects[0] });
        var withinDutchCell = await SearchAtBelgiumAsync(exchange, new() { Dataset = dataset, Handle = generated.DutchSuspects[0], Counterpart = generated.DutchSuspects[1] });
        var atOwner = await exchange.Netherlands.Client.Intercepts.SearchMessagesAsync(new() { Dataset = dataset, Handle = generated.DutchSuspects[0], Counterpart = generated.DutchSuspects[1] });
        Assert.NotEmpty(across.Messages);
        Assert.Empty(withinDutchCell.Messages);
        Assert.NotEmpty(atOwner.Messages);

        var disclosures = await OwnerLogAsync(exchange, dataset, ProcessingAction.Disclosure);
        var disclosure = Assert.Single(disclosures, d => d.Details.StartsWith("messages streamed", StringComparison.Ordinal));
        Assert.StartsWith($"messages streamed: {expected} of handles ", disclosure.Details, StringComparison.Ordinal);
        Assert.Equal("be", disclosure.Recipients);
        Assert.Single(await exchange.BelgianLogAsync($"copy of {expected} messages received from nl"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_pull_cut_off_midway_keeps_its_committed_batches_and_the_next_pull_resumes_after_them(DatabaseProvider provider)
    {
        const int Total = 50_000;
        await using var exchange = await ExchangeFixture.StartAsync(provider: provider);
        var dataset = await InterceptFiles.DatasetAsync(exchange.Netherlands.Client);
        await InterceptFiles.ImportAsync(exchange.Netherlands.Client, dataset, await InterceptFiles.GeneratedAsync(new SyntheticSkyEcc(Total, seed: 5)));
        await ShareAsync(exchange, dataset);

        using (var cut = new CancellationTokenSource())
        {
            using var first = exchange.Belgium!.Client.Intercepts.PullDataset(new() { Dataset = dataset }, ExchangeFixture.Justified, cancellationToken: cut.Token);
            var failed = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await foreach (var step in first.ResponseStream.ReadAllAsync())
                {
                    cut.Cancel(); // after the first committed batch
                }
            });
            Assert.Equal(StatusCode.Cancelled, failed.StatusCode);
        }

        // The copy commits groups of whole batches (about 20,000 rows); the one being written when the
        // cut arrived may still have committed, but not the rest.
        var held = await SettledCountAsync(exchange, dataset);
        Assert.InRange(held, DatasetPull.DefaultBatchSize, Total - DatasetPull.DefaultBatchSize);
        Assert.Equal(0, held % DatasetPull.DefaultBatchSize); // whole batches only

        // The next pull as an officer runs it: `argus intercepts pull`, its bar towards what the owner offers.
        var officer = await exchange.Identity.RegisterAsync($"cli-pull-be-{provider}".ToLowerInvariant(), [ArgusAudiences.Agency("be")],
            [.. AgencyFixture.RecordScopes, ArgusScopes.Exchange], mutualTls: false, agency: "be");
        var second = await AuditorCli.RunAsync(exchange.Identity, officer, "intercepts", "pull", "--from", "nl", "--dataset", dataset,
            "--agency", exchange.Belgium.Address.ToString(), "--agency-code", "be", "--justification", "Identifying suspects for the Antwerp searches");

        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains($"Pulled {Total - held:N0} messages of {dataset} from nl ({Total - held:N0} offered).", second.Out, StringComparison.Ordinal);
        Assert.True(second.Error.Contains($"[##############################] 100 % of {Total - held:N0} rows", StringComparison.Ordinal), second.Error);
        Assert.Contains("rows/s", second.Error, StringComparison.Ordinal);
        Assert.Equal(Total, (await exchange.Belgium.Client.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).MessageCount);
        Assert.Equal(Total, await BelgianRowsAsync(exchange));
        var streams = (await OwnerLogAsync(exchange, dataset, ProcessingAction.Disclosure)).Where(d => d.Details.StartsWith("messages streamed", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, streams.Count);
        Assert.EndsWith($"sequences {held + 1}–{Total}", streams[1].Details, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Narrowing_the_shared_subset_removes_the_partners_rows_outside_it_and_revoking_the_share_removes_the_whole_copy(DatabaseProvider provider)
    {
        await using var exchange = await ExchangeFixture.StartAsync(provider: provider);
        var dataset = await InterceptFiles.DatasetAsync(exchange.Netherlands.Client);
        var content = await InterceptFiles.GeneratedAsync(new SyntheticSkyEcc(3_000, seed: 9));
        await InterceptFiles.ImportAsync(exchange.Netherlands.Client, dataset, content);
        var share = await ShareAsync(exchange, dataset);
        Assert.Equal(3_000, (await PullAsync(exchange, dataset)).Received);

        // The court authorised only the last months: the owner narrows what Belgium may hold.
        var from = new DateTimeOffset(2020, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var inWindow = Rows(content).Count(r => r.Sent >= from);
        var record = (await exchange.Netherlands.Client.InterceptDatasets.GetInterceptDatasetAsync(new() { Name = dataset })).InterceptDataset;
        record.SharedSubset = new MessageSubset { StartTime = Timestamp.FromDateTimeOffset(from) };
        await exchange.Netherlands.Client.InterceptDatasets.UpdateInterceptDatasetAsync(new()
        {
            InterceptDataset = record, UpdateMask = new FieldMask { Paths = { "shared_subset" } },
        });

        await WaitAsync(async () => (await exchange.Belgium!.Client.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).MessageCount == inWindow,
            $"Belgium's copy to hold the {inWindow} messages from {from:yyyy-MM-dd}");
        Assert.Equal(inWindow, await BelgianRowsAsync(exchange));
        var early = await SearchAtBelgiumAsync(exchange, new() { Dataset = dataset, EndTime = Timestamp.FromDateTimeOffset(from) });
        Assert.Empty(early.Messages);

        await exchange.Netherlands.Client.Exchange.RevokeShareAsync(new RevokeShareRequest { Name = share.Name });

        await WaitAsync(async () =>
        {
            try
            {
                await exchange.Belgium!.Client.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset });
                return false;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return true;
            }
        }, "Belgium's copy of the dataset to go");
        Assert.Equal(0, await BelgianRowsAsync(exchange));
    }

    [Fact]
    public async Task A_copys_unique_index_left_to_the_background_is_built_before_the_next_pull_writes_keeping_a_twice_sent_message_once()
    {
        await using var exchange = await ExchangeFixture.StartAsync(provider: DatabaseProvider.PostgreSql);
        var nl = exchange.Netherlands.Client;
        var dataset = await InterceptFiles.DatasetAsync(nl);
        await InterceptFiles.ImportAsync(nl, dataset, InterceptFiles.Ndjson(
            InterceptFiles.Line("u-1", "2021-01-01T00:00:00Z", "aaa", "bbb", "een"),
            InterceptFiles.Line("u-2", "2021-01-01T00:01:00Z", "bbb", "aaa", "twee"),
            InterceptFiles.Line("u-3", "2021-01-01T00:02:00Z", "aaa", "bbb", "drie")));
        await ShareAsync(exchange, dataset);
        Assert.Equal(3, (await PullAsync(exchange, dataset)).Received);
        await WaitAsync(async () => (await exchange.Belgium!.Client.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).FullTextIndexed,
            "Belgium's background indexes of its copy");
        Assert.True(await OnBelgianCopyAsync(exchange, HasUniqueIndexAsync));

        // As if the background indexer had not got to the copy yet, and the owner had sent u-1 twice.
        await OnBelgianCopyAsync(exchange, async (db, key) =>
        {
            // Table and index names cannot be parameters; the key is the database's own number.
            var partition = $"intercepted_messages_{key}";
            string[] statements =
            [
                $"DROP INDEX ix_{partition}_source",
                $"INSERT INTO {partition} SELECT dataset_key, sequence + 100, source_id, sent_time, sender, recipient, sender_device, recipient_device, "
                    + $"decrypted, body, attachments, import_key FROM {partition} WHERE source_id = 'u-1'",
            ];
            foreach (var statement in statements)
            {
                await db.Database.ExecuteSqlRawAsync(statement);
            }

            await db.Database.ExecuteSqlAsync($"UPDATE \"InterceptDatasetContents\" SET \"FullTextIndexed\" = false, \"MessageCount\" = 4 WHERE \"Key\" = {key}");
            return true;
        });
        await InterceptFiles.ImportAsync(nl, dataset, InterceptFiles.Ndjson(InterceptFiles.Line("u-4", "2021-01-01T00:03:00Z", "bbb", "aaa", "vier")));

        // Without the unique index the pull's write (which skips known ids by it) would fail.
        var second = await PullAsync(exchange, dataset);

        Assert.Equal(1, second.Received);
        Assert.Equal(4, (await exchange.Belgium!.Client.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).MessageCount);
        Assert.Equal(4, await BelgianRowsAsync(exchange));
        Assert.True(await OnBelgianCopyAsync(exchange, HasUniqueIndexAsync));
        var found = await SearchAtBelgiumAsync(exchange, new() { Dataset = dataset, Handle = "aaa", Order = SortOrder.OldestFirst });
        Assert.Equal(["u-1", "u-2", "u-3", "u-4"], found.Messages.Select(m => m.MessageId));

        static Task<bool> HasUniqueIndexAsync(AgencyDbContext db, long key)
        {
            var name = $"ix_intercepted_messages_{key}_source";
            return db.Database.SqlQuery<bool>($"SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = {name}) AS \"Value\"").SingleAsync();
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_partner_can_neither_import_into_stream_nor_pull_nor_search_a_dataset_not_shared_with_it(DatabaseProvider provider)
    {
        await using var exchange = await ExchangeFixture.StartAsync(provider: provider);
        var dataset = await InterceptFiles.DatasetAsync(exchange.Netherlands.Client);
        await InterceptFiles.ImportAsync(exchange.Netherlands.Client, dataset, InterceptFiles.Ndjson(InterceptFiles.Line("u-1", "2021-01-01T00:00:00Z", "aaa", "bbb", "geheim")));

        var stream = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = exchange.BelgiumAtNetherlands.Intercepts.StreamSharedMessages(new() { Dataset = dataset }, ExchangeFixture.Justified);
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        var import = await Assert.ThrowsAsync<RpcException>(() => InterceptFiles.ImportAsync(exchange.BelgiumAtNetherlands, dataset, InterceptFiles.Ndjson("{}")));
        var pull = await Assert.ThrowsAsync<RpcException>(() => PullAsync(exchange, dataset));
        var search = await Assert.ThrowsAsync<RpcException>(() => SearchAtBelgiumAsync(exchange, new() { Dataset = dataset, Text = "geheim" }));

        Assert.Equal(StatusCode.NotFound, stream.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, import.StatusCode); // a method not open to partners
        Assert.Equal(StatusCode.NotFound, pull.StatusCode);
        Assert.Equal(StatusCode.NotFound, search.StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_hit_no_hit_lookup_on_a_handle_answers_from_the_datasets_message_index(DatabaseProvider provider)
    {
        await using var exchange = await ExchangeFixture.StartAsync(provider: provider);
        var dataset = await InterceptFiles.DatasetAsync(exchange.Netherlands.Client);
        await InterceptFiles.ImportAsync(exchange.Netherlands.Client, dataset, InterceptFiles.Ndjson(InterceptFiles.Line("h-1", "2021-01-01T00:00:00Z", "Q7XK2M", "bbb")));

        var hit = await exchange.BelgiumAtNetherlands.Lookup.LookupAsync(new LookupRequest
        {
            Handle = new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = "q7xk2m" },
        }, ExchangeFixture.Justified);
        var miss = await exchange.BelgiumAtNetherlands.Lookup.LookupAsync(new LookupRequest
        {
            Handle = new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = "NOBODY" },
        }, ExchangeFixture.Justified);

        Assert.True(hit.Hit);
        Assert.False(miss.Hit);
        await using var scope = exchange.Netherlands.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        var logged = await db.Set<AuditEntryEntity>().AsNoTracking().Where(e => e.Details.Contains("hit on")).Select(e => e.Details).ToListAsync();
        Assert.Contains(logged, d => d.Contains(dataset, StringComparison.Ordinal));
    }

    private static async Task<Share> ShareAsync(ExchangeFixture exchange, string dataset)
    {
        var share = await exchange.ShareWithBelgiumAsync(dataset, HandlingCode.H3, "JIT Argus only");
        await exchange.WaitForCopiesAsync(copies => copies.Any(c => c.Record == dataset), Converge);
        return share;
    }

    private static async Task<PullDatasetResponse> PullAsync(ExchangeFixture exchange, string dataset)
    {
        using var call = exchange.Belgium!.Client.Intercepts.PullDataset(new() { Dataset = dataset }, ExchangeFixture.Justified);
        PullDatasetResponse last = new();
        await foreach (var step in call.ResponseStream.ReadAllAsync())
        {
            last = step;
        }

        return last;
    }

    private static Task<SearchMessagesResponse> SearchAtBelgiumAsync(ExchangeFixture exchange, SearchMessagesRequest request) =>
        exchange.Belgium!.Client.Intercepts.SearchMessagesAsync(request, ExchangeFixture.Justified).ResponseAsync;

    /// <summary>What Belgium holds once its cut pull has stopped writing (the service notices the cut at its next step).</summary>
    private static async Task<long> SettledCountAsync(ExchangeFixture exchange, string dataset)
    {
        long last = -1;
        while (true)
        {
            await Task.Delay(300);
            var now = (await exchange.Belgium!.Client.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).MessageCount;
            if (now == last)
            {
                return now;
            }

            last = now;
        }
    }

    /// <summary>Runs <paramref name="action"/> on Belgium's database, given the key of its only dataset copy.</summary>
    private static async Task<T> OnBelgianCopyAsync<T>(ExchangeFixture exchange, Func<AgencyDbContext, long, Task<T>> action)
    {
        await using var scope = exchange.Belgium!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        var key = await db.Set<DatasetContents>().Where(c => c.Foreign).Select(c => c.Key).SingleAsync();
        return await action(db, key);
    }

    private static async Task<long> BelgianRowsAsync(ExchangeFixture exchange)
    {
        await using var scope = exchange.Belgium!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        return await db.Database.SqlQuery<long>($"SELECT COUNT(*) AS \"Value\" FROM intercepted_messages").SingleAsync();
    }

    private static async Task<List<AuditEntryEntity>> OwnerLogAsync(ExchangeFixture exchange, string dataset, ProcessingAction action)
    {
        await using var scope = exchange.Netherlands.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        return await db.Set<AuditEntryEntity>().AsNoTracking().Where(e => e.Record == dataset && e.Action == action).OrderBy(e => e.Sequence).ToListAsync();
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var until = DateTime.UtcNow + Converge;
        while (!await done())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Waited {Converge.TotalSeconds} s for {what}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The rows of a generated NDJSON file, as the test needs them (handles as the file writes them).</summary>
    private static IEnumerable<(string Sender, string Recipient, DateTimeOffset Sent)> Rows(byte[] content)
    {
        foreach (var line in System.Text.Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var row = JsonDocument.Parse(line);
            yield return (row.RootElement.GetProperty("sender").GetString()!, row.RootElement.GetProperty("recipient").GetString()!,
                DateTimeOffset.Parse(row.RootElement.GetProperty("sent_time").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
