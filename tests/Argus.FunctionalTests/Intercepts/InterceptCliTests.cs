using System.IO.Compression;
using System.Text;
using Argus.Client.Security;

namespace Argus.FunctionalTests.Intercepts;

/// <summary>
/// `argus intercepts` as an investigator runs it: a gzip file imported with its progress bar and
/// its rejected lines named, an interrupted import resumed with the name the CLI printed, the
/// dataset's status, a search and a contact graph.
/// </summary>
public sealed class InterceptCliTests(SqliteAgencies agencies) : IClassFixture<SqliteAgencies>
{
    [Fact]
    public async Task The_cli_imports_a_gzip_file_names_rejected_lines_resumes_an_interrupted_import_and_searches()
    {
        var investigator = await agencies.Identity.RegisterAsync("cli-intercepts-nl", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes, mutualTls: false, agency: "nl");
        using var tokens = new AccessTokenSource(investigator);
        using var nl = agencies.Netherlands.ClientFor(investigator, tokens);
        var dataset = await InterceptFiles.DatasetAsync(nl);
        var agency = agencies.Netherlands.Address.ToString();
        var folder = Directory.CreateTempSubdirectory("argus-cli-intercepts-").FullName;
        var file = Path.Combine(folder, "skyecc.ndjson.gz");
        var lines = Enumerable.Range(1, 30_000).Select(i => InterceptFiles.Line($"cli-{i}", "2021-02-01T10:00:00Z", i % 2 == 0 ? "ghost7" : "viper2", "falcon9", $"bericht {i}")).ToList();
        lines[41] = "{\"message_id\":\"cli-42\""; // line 42: cut off
        await using (var gzip = new GZipStream(File.Create(file), CompressionLevel.Fastest))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        }

        // An earlier run cut off after its first batch (20,000 rows committed).
        var content = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        await InterceptFiles.CutAsync(nl, dataset, content, content.Length * 8 / 10);
        var refused = await AuditorCli.RunAsync(agencies.Identity, investigator, "intercepts", "import", file, "--dataset", dataset, "--agency", agency, "--agency-code", "nl");
        Assert.Equal(2, refused.ExitCode);
        var resume = refused.Error.Split(' ').FirstOrDefault(w => w.Contains("/imports/", StringComparison.Ordinal));
        Assert.True(resume is not null, $"the refusal names no import to resume: {refused.Error}");

        var import = await AuditorCli.RunAsync(agencies.Identity, investigator, "intercepts", "import", file, "--dataset", dataset, "--resume", resume, "--agency", agency, "--agency-code", "nl");

        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Contains("rows/s", import.Error, StringComparison.Ordinal); // the progress bar
        Assert.Contains("29,999 imported, 1 rejected, 0 duplicates (30,000 lines)", import.Out, StringComparison.Ordinal);
        Assert.Contains("line 42: not a JSON object", import.Out, StringComparison.Ordinal);

        var status = await AuditorCli.RunAsync(agencies.Identity, investigator, "intercepts", "status", "--dataset", dataset, "--agency", agency, "--agency-code", "nl");
        Assert.True(status.ExitCode == 0, status.Error);
        Assert.Contains("29,999 messages, complete", status.Out, StringComparison.Ordinal);

        var search = await AuditorCli.RunAsync(agencies.Identity, investigator, "intercepts", "search", "--dataset", dataset, "--handle", "GHOST7", "--text", "bericht 30000",
            "--agency", agency, "--agency-code", "nl");
        Assert.True(search.ExitCode == 0, search.Error);
        Assert.Contains("1 messages.", search.Out, StringComparison.Ordinal);

        var contacts = await AuditorCli.RunAsync(agencies.Identity, investigator, "intercepts", "contacts", "--dataset", dataset, "--handle", "falcon9", "--agency", agency, "--agency-code", "nl");
        Assert.True(contacts.ExitCode == 0, contacts.Error);
        Assert.Contains("ghost7", contacts.Out, StringComparison.Ordinal);
        Assert.Contains("viper2", contacts.Out, StringComparison.Ordinal);
    }
}
