using System.IO.Compression;
using System.Text;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Client;
using Argus.Client.Intercepts;
using Argus.Intercepts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests.Intercepts;

/// <summary>
/// Imports of intercepted messages and searches over them, on each database's bulk path
/// (PostgreSQL: binary COPY into the dataset's partition, indexes after the first load; SQLite:
/// batched inserts), over real HTTP/2 and TLS.
/// </summary>
public abstract class InterceptImportTests(AgencyFixture agencies)
{
    private AgencyClient Nl => agencies.Netherlands.Client;

    [Fact]
    public async Task Malformed_rows_are_counted_and_named_by_their_line_and_every_other_row_is_imported()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        var good = InterceptFiles.Line("m-1", "2021-02-01T10:00:00Z", "AAA111", "BBB222", "levering morgen");
        var lines = new List<byte[]>
        {
            Encoding.UTF8.GetBytes(good),
            "{\"message_id\":\"m-2\",\"sent_time\":"u8.ToArray(),                                                  // 2: cut JSON
            Encoding.UTF8.GetBytes(InterceptFiles.Line("m-3", "yesterday", "AAA111", "BBB222")),                   // 3: bad time
            Encoding.UTF8.GetBytes("{\"message_id\":\"m-4\",\"sent_time\":\"2021-02-01T10:00:00Z\",\"recipient\":\"BBB222\"}"), // 4: no sender
            Encoding.UTF8.GetBytes("{\"message_id\":\"m-5\",\"sent_time\":\"2021-02-01T10:00:00Z\",\"sender\":\"A").Append((byte)0xff)
                .Concat(Encoding.UTF8.GetBytes("\",\"recipient\":\"B\"}")).ToArray(),                                 // 5: not UTF-8
            Encoding.UTF8.GetBytes(InterceptFiles.Line("m-6", "2021-02-01T10:01:00+01:00", "BBB222", "AAA111", "ok broer")),
            Array.Empty<byte>(),                                                                                   // 7: blank, not a row
            Encoding.UTF8.GetBytes("[1,2,3]"),                                                                     // 8: not an object
            Encoding.UTF8.GetBytes(InterceptFiles.Line(new string('x', 300), "2021-02-01T10:00:00Z", "AAA111", "BBB222")), // 9: id too long
            Encoding.UTF8.GetBytes(InterceptFiles.Line("m-10", "2021-02-01T10:00:00Z", "AAA111", "BBB222", "nul \\u0000 here")),     // 10: NUL, which PostgreSQL text cannot hold
        };
        var content = lines.SelectMany(l => l.Append((byte)'\n')).ToArray();

        var import = await InterceptFiles.ImportAsync(Nl, dataset, content);

        Assert.Equal(ImportState.Complete, import.State);
        Assert.Equal(2, import.Imported);
        Assert.Equal(7, import.Rejected);
        Assert.Equal(0, import.Duplicates);
        Assert.Equal(10, import.CommittedLines);
        Assert.Equal(content.Length, import.CommittedBytes);
        Assert.Equal([2L, 3, 4, 5, 8, 9, 10], import.Rejections.Select(r => r.Line));
        Assert.Contains("NUL", import.Rejections[6].Reason, StringComparison.Ordinal);
        Assert.Contains("sent_time", import.Rejections[1].Reason, StringComparison.Ordinal);
        Assert.Contains("sender", import.Rejections[2].Reason, StringComparison.Ordinal);
        Assert.Equal("not valid UTF-8", import.Rejections[3].Reason);
        Assert.Contains("message_id", import.Rejections[5].Reason, StringComparison.Ordinal);
        Assert.Equal(2, (await Nl.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).MessageCount);
        var entries = await LogAsync(dataset);
        // The record's creation is one collection entry; the import is one more, with its counts — not one per message.
        var collection = Assert.Single(entries, e => e.Action == ProcessingAction.Collection && e.Details.StartsWith("import ", StringComparison.Ordinal));
        Assert.Contains("2 messages imported, 7 rejected, 0 duplicates", collection.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Importing_the_same_file_again_adds_nothing_and_counts_every_row_as_a_duplicate()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        var content = await InterceptFiles.GeneratedAsync(new SyntheticSkyEcc(3_000, seed: 7));

        var first = await InterceptFiles.ImportAsync(Nl, dataset, content);
        var again = await InterceptFiles.ImportAsync(Nl, dataset, content);

        Assert.Equal((3_000, 0L), (first.Imported, first.Duplicates));
        Assert.Equal((0L, 3_000L), (again.Imported, again.Duplicates));
        Assert.Equal(3_000, (await Nl.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).MessageCount);
        Assert.Equal(3_000, await RowsAsync(dataset));
    }

    [Fact]
    public async Task A_file_with_a_message_twice_keeps_the_first_and_counts_the_second_as_a_duplicate()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        var content = InterceptFiles.Ndjson(
            InterceptFiles.Line("m-1", "2021-02-01T10:00:00Z", "AAA111", "BBB222", "first"),
            InterceptFiles.Line("m-2", "2021-02-01T10:01:00Z", "AAA111", "BBB222", "second"),
            InterceptFiles.Line("m-1", "2021-02-01T10:02:00Z", "AAA111", "BBB222", "first again"));

        var import = await InterceptFiles.ImportAsync(Nl, dataset, content);

        Assert.Equal((2L, 1L), (import.Imported, import.Duplicates));
        var texts = (await SearchAsync(new() { Dataset = dataset, Order = SortOrder.OldestFirst })).Messages.Select(m => m.Text);
        Assert.Equal(["first", "second"], texts);
    }

    [Fact]
    public async Task Lines_keep_their_numbers_across_a_byte_order_mark_CRLF_a_line_too_long_to_hold_and_a_last_line_without_its_break()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        // Line 2 is longer than the 256 KiB a line may hold: it arrives in several of the client's
        // chunks, is skipped to its end without being held, and only it is rejected.
        var tooLong = InterceptFiles.Line("m-2", "2021-02-01T10:01:00Z", "AAA111", "BBB222", new string('x', 400_000));
        var content = Encoding.UTF8.GetBytes("\uFEFF"
            + InterceptFiles.Line("m-1", "2021-02-01T10:00:00Z", "AAA111", "BBB222", "een") + "\r\n"
            + tooLong + "\r\n"
            + InterceptFiles.Line("m-3", "2021-02-01T10:02:00Z", "BBB222", "AAA111", "deux") + "\r\n"
            + "\r\n"
            + InterceptFiles.Line("m-5", "2021-02-01T10:03:00Z", "AAA111", "BBB222", "three"));

        var import = await InterceptFiles.ImportAsync(Nl, dataset, content);

        Assert.Equal((3L, 1L, 5L), (import.Imported, import.Rejected, import.CommittedLines));
        Assert.Equal(content.Length, import.CommittedBytes);
        var rejection = Assert.Single(import.Rejections);
        Assert.Equal(2, rejection.Line);
        Assert.Contains("longer than", rejection.Reason, StringComparison.Ordinal);
        var messages = (await SearchAsync(new() { Dataset = dataset, Order = SortOrder.OldestFirst })).Messages;
        Assert.Equal(["m-1", "m-3", "m-5"], messages.Select(m => m.MessageId));
        Assert.Equal(["een", "deux", "three"], messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_CSV_file_whose_header_lacks_a_column_is_refused_naming_its_first_line_and_leaves_nothing_behind()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        var csv = Encoding.UTF8.GetBytes("message_id,sent_time,recipient,text\nk-1,2021-02-01T08:00:00Z,BBB222,hallo\n");

        var refused = await Assert.ThrowsAsync<RpcException>(() => InterceptFiles.ImportAsync(Nl, dataset, csv, ImportFormat.Csv));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var violation = Assert.Single(refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations);
        Assert.Equal("data", violation.Field);
        Assert.Contains("line 1", violation.Description, StringComparison.Ordinal);
        Assert.Contains("sender", violation.Description, StringComparison.Ordinal);
        var contents = await Nl.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset });
        Assert.Equal(0, contents.MessageCount);
        Assert.Equal(ImportState.RolledBack, Assert.Single(contents.Imports).State);
        // Nothing half-imported stands in the way of the corrected file.
        var corrected = Encoding.UTF8.GetBytes("message_id,sent_time,sender,recipient,text\nk-1,2021-02-01T08:00:00Z,AAA111,BBB222,hallo\n");
        Assert.Equal(1, (await InterceptFiles.ImportAsync(Nl, dataset, corrected, ImportFormat.Csv)).Imported);
    }

    [Fact]
    public async Task The_service_answers_an_imports_first_message_with_its_headers_before_any_data_and_a_refused_one_with_the_refusal()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);

        // Accepted: the headers come while the client has sent nothing but the first message, so a
        // client that waits for them never sends data into a refusal.
        using (var call = Nl.Intercepts.ImportMessages())
        {
            await call.RequestStream.WriteAsync(new ImportMessagesRequest { Dataset = dataset, Format = ImportFormat.Ndjson });
            await call.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(10));
            var data = InterceptFiles.Ndjson(InterceptFiles.Line("h-1", "2021-02-01T10:00:00Z", "AAA111", "BBB222", "hallo"));
            await call.RequestStream.WriteAsync(new ImportMessagesRequest { Offset = 0, Data = Google.Protobuf.ByteString.CopyFrom(data), Finish = true });
            await call.RequestStream.CompleteAsync();
            Assert.Equal(1, (await call.ResponseAsync).Import.Imported);
        }

        // Refused (an unknown dataset): the refusal arrives while the client has sent nothing but
        // the first message, and has not ended its stream.
        using var refused = Nl.Intercepts.ImportMessages();
        await refused.RequestStream.WriteAsync(new ImportMessagesRequest { Dataset = dataset[..^4] + "beef", Format = ImportFormat.Ndjson });
        var failure = await Assert.ThrowsAsync<RpcException>(() => refused.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(StatusCode.NotFound, failure.StatusCode);
    }

    [Fact]
    public async Task An_import_cut_off_halfway_leaves_the_dataset_marked_half_imported_and_resumes_from_its_committed_offset()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        var content = await InterceptFiles.GeneratedAsync(new SyntheticSkyEcc(50_000, seed: 11));

        // 60 % of the file: one batch of 20,000 rows commits, the rest of what was sent does not.
        var refused = await InterceptFiles.CutAsync(Nl, dataset, content, content.Length * 6 / 10);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("interrupted", refused.Status.Detail, StringComparison.Ordinal);

        var half = await Nl.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset });
        var interrupted = Assert.Single(half.Imports);
        Assert.False(half.Complete);
        Assert.Equal(ImportState.Interrupted, interrupted.State);
        Assert.Equal(20_000, interrupted.Imported);
        Assert.Equal(20_000, interrupted.CommittedLines);
        Assert.Equal((byte)'\n', content[interrupted.CommittedBytes - 1]); // committed in whole lines
        var another = await Assert.ThrowsAsync<RpcException>(() => InterceptFiles.ImportAsync(Nl, dataset, content));
        Assert.Equal(StatusCode.FailedPrecondition, another.StatusCode); // no second import while one is unfinished

        var resumed = await InterceptFiles.ImportAsync(Nl, dataset, content, resume: interrupted.Name);

        Assert.Equal(ImportState.Complete, resumed.State);
        Assert.Equal((50_000L, 0L, 0L), (resumed.Imported, resumed.Duplicates, resumed.Rejected));
        Assert.Equal(content.Length, resumed.CommittedBytes);
        Assert.True((await Nl.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).Complete);
        Assert.Equal(50_000, await RowsAsync(dataset));
    }

    [Fact]
    public async Task A_file_of_malformed_lines_only_commits_its_progress_every_batch_keeping_the_first_hundred_reasons()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        var content = InterceptFiles.Ndjson([.. Enumerable.Range(1, 30_000).Select(i => $"{{\"message_id\":\"bad-{i}\"}}")]);

        // Cut after 25,000 of the 30,000 lines: the first 20,000 rejections were one batch, committed.
        await InterceptFiles.CutAsync(Nl, dataset, content, content.Length * 25 / 30);
        var interrupted = (await Nl.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).Imports.Single();
        Assert.Equal((20_000L, 20_000L, 0L), (interrupted.CommittedLines, interrupted.Rejected, interrupted.Imported));

        var resumed = await InterceptFiles.ImportAsync(Nl, dataset, content, resume: interrupted.Name);
        Assert.Equal((30_000L, 0L), (resumed.Rejected, resumed.Imported));
        Assert.Equal(100, resumed.Rejections.Count);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), resumed.Rejections.Select(r => r.Line));
    }

    [Fact]
    public async Task Rolling_back_an_interrupted_import_removes_every_row_it_added_and_the_dataset_is_complete_again()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        var kept = await InterceptFiles.ImportAsync(Nl, dataset, InterceptFiles.Ndjson(InterceptFiles.Line("kept-1", "2021-01-01T00:00:00Z", "AAA111", "BBB222")));
        var content = await InterceptFiles.GeneratedAsync(new SyntheticSkyEcc(30_000, seed: 13));
        await InterceptFiles.CutAsync(Nl, dataset, content, content.Length * 9 / 10);
        var interrupted = (await Nl.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).Imports.Single(i => i.State == ImportState.Interrupted);
        Assert.Equal(20_000, interrupted.Imported);

        var rolledBack = (await Nl.Intercepts.RollBackImportAsync(new() { Name = interrupted.Name })).Import;

        Assert.Equal(ImportState.RolledBack, rolledBack.State);
        var contents = await Nl.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset });
        Assert.True(contents.Complete);
        Assert.Equal(1, contents.MessageCount);
        Assert.Equal(1, await RowsAsync(dataset));
        Assert.Equal(ImportState.Complete, kept.State);
    }

    [Fact]
    public async Task Searches_by_handle_conversation_time_and_text_page_with_keyset_tokens_and_each_page_is_one_consultation_naming_its_criteria()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        await InterceptFiles.ImportAsync(Nl, dataset, InterceptFiles.Ndjson(
            InterceptFiles.Line("c-1", "2021-02-01T08:00:00Z", "Ghost7", "Viper2", "container staat in de haven"),
            InterceptFiles.Line("c-2", "2021-02-01T09:00:00Z", "Viper2", "Ghost7", "ok broer"),
            InterceptFiles.Line("c-3", "2021-02-02T09:00:00Z", "Ghost7", "Falcon9", "de container komt morgen"),
            InterceptFiles.Line("c-4", "2021-02-03T09:00:00Z", "Falcon9", "Viper2"),
            InterceptFiles.Line("c-5", "2021-02-04T09:00:00Z", "GHOST7", "Viper2", "geld is geteld")));

        var byHandle = await SearchAsync(new() { Dataset = dataset, Handle = " ghost7 " });
        var conversation = await SearchAsync(new() { Dataset = dataset, Handle = "Ghost7", Counterpart = "Viper2", Order = SortOrder.OldestFirst });
        var window = await SearchAsync(new()
        {
            Dataset = dataset, StartTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2021, 2, 2, 0, 0, 0, TimeSpan.Zero)),
            EndTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2021, 2, 4, 0, 0, 0, TimeSpan.Zero)),
        });
        var text = await SearchAsync(new() { Dataset = dataset, Text = "container" });
        var combined = await SearchAsync(new() { Dataset = dataset, Handle = "ghost7", Text = "container morgen" });

        Assert.Equal(["c-5", "c-3", "c-2", "c-1"], byHandle.Messages.Select(m => m.MessageId));
        Assert.Equal(["c-1", "c-2", "c-5"], conversation.Messages.Select(m => m.MessageId));
        Assert.Equal(["c-4", "c-3"], window.Messages.Select(m => m.MessageId));
        Assert.Equal(["c-3", "c-1"], text.Messages.Select(m => m.MessageId));
        Assert.Equal(["c-3"], combined.Messages.Select(m => m.MessageId));
        Assert.Equal("ghost7", byHandle.Messages[0].Sender); // handles compare in one form
        Assert.False(window.Messages[0].Decrypted);

        // Keyset pages: two at a time, newest first, without gaps or repeats.
        var paged = new List<string>();
        var request = new SearchMessagesRequest { Dataset = dataset, Handle = "ghost7", PageSize = 2 };
        do
        {
            var page = await SearchAsync(request);
            paged.AddRange(page.Messages.Select(m => m.MessageId));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        Assert.Equal(byHandle.Messages.Select(m => m.MessageId), paged);

        var tokenOfGhost7 = (await SearchAsync(new() { Dataset = dataset, Handle = "ghost7", PageSize = 2 })).NextPageToken;
        var otherCriteria = await Assert.ThrowsAsync<RpcException>(() => SearchAsync(new() { Dataset = dataset, Handle = "viper2", PageSize = 2, PageToken = tokenOfGhost7 }));
        Assert.Equal(StatusCode.InvalidArgument, otherCriteria.StatusCode);

        var consultations = (await LogAsync(dataset)).Where(e => e.Action == ProcessingAction.Consultation).Select(e => e.Details).ToList();
        Assert.Equal(1, consultations.Count(d => d == "messages searched: conversation ghost7 – viper2, oldest first"));
        Assert.Equal(1, consultations.Count(d => d == "messages searched: handle ghost7, text \"container morgen\", newest first"));
        Assert.Equal(3, consultations.Count(d => d == "messages searched: handle ghost7, newest first"));
        Assert.Equal(1, consultations.Count(d => d == "messages searched: handle ghost7, newest first (next page)"));
        Assert.DoesNotContain(consultations, d => d.Contains("geld", StringComparison.Ordinal)); // criteria, not messages
    }

    [Fact]
    public async Task The_full_text_index_is_there_once_the_dataset_says_so_and_text_searches_find_the_same_messages()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        await InterceptFiles.ImportAsync(Nl, dataset, InterceptFiles.Ndjson(
            InterceptFiles.Line("t-1", "2021-02-01T08:00:00Z", "ghost7", "viper2", "de vracht komt met de bananen"),
            InterceptFiles.Line("t-2", "2021-02-02T08:00:00Z", "viper2", "ghost7", "bananen zijn geel"),
            InterceptFiles.Line("t-3", "2021-02-03T08:00:00Z", "ghost7", "viper2", "de vracht is binnen")));
        var before = (await SearchAsync(new() { Dataset = dataset, Text = "vracht" })).Messages.Select(m => m.MessageId).ToList();

        // PostgreSQL builds it in the background after the import; SQLite keeps it as rows arrive.
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!(await Nl.Intercepts.GetDatasetContentsAsync(new() { Dataset = dataset })).FullTextIndexed)
        {
            Assert.True(DateTime.UtcNow < until, "the dataset never said its full-text index was built");
            await Task.Delay(100);
        }

        if (agencies.Provider == Argus.Hosting.Persistence.DatabaseProvider.PostgreSql)
        {
            Assert.Equal(1, await OnDatasetAsync(dataset, (db, key) =>
            {
                var name = $"ix_intercepted_messages_{key}_text";
                return db.Database.SqlQuery<int>($"SELECT COUNT(*)::int AS \"Value\" FROM pg_indexes WHERE indexname = {name}").SingleAsync();
            }));
        }

        Assert.Equal(["t-3", "t-1"], before);
        Assert.Equal(before, (await SearchAsync(new() { Dataset = dataset, Text = "vracht" })).Messages.Select(m => m.MessageId));
    }

    [Fact]
    public async Task The_contact_graph_of_a_handle_counts_messages_each_way_with_first_and_last_times()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        await InterceptFiles.ImportAsync(Nl, dataset, InterceptFiles.Ndjson(
            InterceptFiles.Line("g-1", "2021-02-01T08:00:00Z", "hub", "a"),
            InterceptFiles.Line("g-2", "2021-02-02T08:00:00Z", "a", "hub"),
            InterceptFiles.Line("g-3", "2021-02-03T08:00:00Z", "hub", "a"),
            InterceptFiles.Line("g-4", "2021-02-04T08:00:00Z", "b", "hub"),
            InterceptFiles.Line("g-5", "2021-02-05T08:00:00Z", "a", "b")));

        var graph = await Nl.Intercepts.GetContactGraphAsync(new() { Dataset = dataset, Handle = "HUB" });

        Assert.Equal(["a", "b"], graph.Contacts.Select(c => c.Handle));
        Assert.Equal((2L, 1L), (graph.Contacts[0].Sent, graph.Contacts[0].Received));
        Assert.Equal(new DateTime(2021, 2, 1, 8, 0, 0, DateTimeKind.Utc), graph.Contacts[0].FirstTime.ToDateTime());
        Assert.Equal(new DateTime(2021, 2, 3, 8, 0, 0, DateTimeKind.Utc), graph.Contacts[0].LastTime.ToDateTime());
        Assert.Equal((0L, 1L), (graph.Contacts[1].Sent, graph.Contacts[1].Received));
    }

    [Fact]
    public async Task A_gzip_compressed_CSV_file_imports_like_NDJSON_with_quoted_fields()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);
        var csv = "message_id,sent_time,sender,recipient,decrypted,text\r\n"
            + "k-1,2021-02-01T08:00:00Z,AAA111,BBB222,true,\"rendez-vous à Anvers, demain\"\r\n"
            + "k-2,2021-02-01T09:00:00Z,BBB222,AAA111,false,\r\n"
            + "k-3,2021-02-01T09:00:00Z,BBB222,AAA111,maybe,\r\n"
            + "k-4,2021-02-01T10:00:00Z,AAA111,BBB222,true,\"zei \"\"morgen\"\"\"\r\n";
        var path = Path.Combine(Path.GetTempPath(), $"argus-intercepts-{Guid.NewGuid():N}.csv.gz");
        await using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(csv));
        }

        try
        {
            await using var content = InterceptTransfer.OpenContent(path);
            var import = await InterceptTransfer.ImportAsync(Nl, dataset, content, InterceptTransfer.FormatOf(path)!.Value);

            Assert.Equal((3L, 1L), (import.Imported, import.Rejected));
            Assert.Equal(4, import.Rejections.Single().Line);
            var messages = (await SearchAsync(new() { Dataset = dataset, Order = SortOrder.OldestFirst })).Messages;
            Assert.Equal(["rendez-vous à Anvers, demain", "", "zei \"morgen\""], messages.Select(m => m.Text));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Bad_search_input_is_refused_with_the_fields_named_and_an_unknown_dataset_is_not_found()
    {
        var dataset = await InterceptFiles.DatasetAsync(Nl);

        var bad = await Assert.ThrowsAsync<RpcException>(() => SearchAsync(new() { Dataset = dataset, Counterpart = "x", PageSize = 5000, Handle = new string('h', 300) }));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => SearchAsync(new() { Dataset = dataset[..^4] + "beef" }));
        var noFinish = await Assert.ThrowsAsync<RpcException>(() => InterceptFiles.ImportAsync(Nl, dataset[..^4] + "beef", InterceptFiles.Ndjson("{}")));

        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        foreach (var field in new[] { "handle", "page_size" })
        {
            Assert.Contains(field, bad.Status.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.NotFound, noFinish.StatusCode);
    }

    private Task<SearchMessagesResponse> SearchAsync(SearchMessagesRequest request) => Nl.Intercepts.SearchMessagesAsync(request).ResponseAsync;

    private async Task<List<AuditEntryEntity>> LogAsync(string dataset)
    {
        await using var scope = agencies.Netherlands.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        return await db.Set<AuditEntryEntity>().AsNoTracking().Where(e => e.Record == dataset).ToListAsync();
    }

    private Task<long> RowsAsync(string dataset) => OnDatasetAsync(dataset, (db, key) =>
        db.Database.SqlQuery<long>($"SELECT COUNT(*) AS \"Value\" FROM intercepted_messages WHERE dataset_key = {key}").SingleAsync());

    /// <summary>Runs <paramref name="query"/> on the Dutch service's database, given the dataset's key there.</summary>
    protected async Task<T> OnDatasetAsync<T>(string dataset, Func<AgencyDbContext, long, Task<T>> query)
    {
        await using var scope = agencies.Netherlands.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        var key = await db.Set<Argus.Agency.Intercepts.Messages.DatasetContents>().Where(c => c.Dataset == dataset).Select(c => c.Key).SingleAsync();
        return await query(db, key);
    }
}

public sealed class InterceptImportOnSqlite(SqliteAgencies agencies) : InterceptImportTests(agencies), IClassFixture<SqliteAgencies>;

public sealed class InterceptImportOnPostgres(PostgresAgencies agencies) : InterceptImportTests(agencies), IClassFixture<PostgresAgencies>
{
    [Fact]
    public async Task Autovacuum_leaves_a_partition_alone_during_its_first_load_and_has_it_again_once_the_load_ends_indexed_or_rolled_back()
    {
        var nl = agencies.Netherlands.Client;
        var content = await InterceptFiles.GeneratedAsync(new SyntheticSkyEcc(30_000, seed: 17));
        var cut = await InterceptFiles.DatasetAsync(nl);
        await InterceptFiles.CutAsync(nl, cut, content, content.Length * 9 / 10);
        Assert.Equal("autovacuum_enabled=false", await StorageOptionsAsync(cut)); // half-imported: its load has not ended

        var interrupted = (await nl.Intercepts.GetDatasetContentsAsync(new() { Dataset = cut })).Imports.Single(i => i.State == ImportState.Interrupted);
        await nl.Intercepts.RollBackImportAsync(new() { Name = interrupted.Name });
        Assert.Equal("", await StorageOptionsAsync(cut));

        var whole = await InterceptFiles.DatasetAsync(nl);
        await InterceptFiles.ImportAsync(nl, whole, content);
        Assert.Equal("", await StorageOptionsAsync(whole));
    }

    /// <summary>The storage parameters set on the dataset's partition, "" for none.</summary>
    private Task<string> StorageOptionsAsync(string dataset) => OnDatasetAsync(dataset, (db, key) =>
    {
        var partition = $"intercepted_messages_{key}";
        return db.Database.SqlQuery<string>($"SELECT COALESCE(array_to_string(reloptions, ','), '') AS \"Value\" FROM pg_class WHERE relname = {partition}").SingleAsync();
    });
}
