using System.Diagnostics;
using Argus.Client;
using Argus.Client.Evidence;
using Argus.Client.Security;
using Argus.Evidence.V1;

namespace Argus.FunctionalTests.Evidence;

/// <summary>
/// `argus evidence` as an investigator runs it: an upload that resumes what an interrupted run left,
/// the custody table, and a court package whose manifest `sha256sum -c` accepts — and rejects once a
/// byte of it changes.
/// </summary>
public sealed class EvidenceCliTests(SqliteAgencies agencies) : IClassFixture<SqliteAgencies>
{
    [Fact]
    public async Task An_interrupted_upload_resumes_when_run_again_and_the_export_verifies_with_sha256sum_until_a_byte_changes()
    {
        var investigator = await agencies.Identity.RegisterAsync("cli-investigator-nl", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes, mutualTls: false, agency: "nl");
        using var tokens = new AccessTokenSource(investigator);
        using var nl = agencies.Netherlands.ClientFor(investigator, tokens);
        var operation = (await nl.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest { OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21") })).Operation.Name;
        var item = (await nl.Evidence.CreateEvidenceItemAsync(new CreateEvidenceItemRequest { Parent = operation, EvidenceItem = Records.Phone("SKY-CLI-1") })).EvidenceItem.Name;
        var folder = Directory.CreateTempSubdirectory("argus-cli-evidence-").FullName;
        var file = Path.Combine(folder, "extraction.zip");
        var content = EvidenceExchange.Extraction(1_500_003, seed: 99);
        await File.WriteAllBytesAsync(file, content);

        // An earlier run of the same upload that stopped after 600,000 bytes (the CLI names its upload by item, hash and size).
        var earlier = (await nl.Content.CreateUploadAsync(new CreateUploadRequest
        {
            Parent = item, Sha256 = EvidenceExchange.Sha256(content), SizeBytes = content.Length, MediaType = "application/zip", FileName = "extraction.zip",
            RequestId = EvidenceTransfer.RequestIdOf(item, EvidenceExchange.Sha256(content), content.Length),
        })).Upload;
        await EvidenceTransfer.WriteFromAsync(nl, earlier, new MemoryStream(content), stopAfter: 600_000);

        var agency = agencies.Netherlands.Address.ToString();
        var upload = await AuditorCli.RunAsync(agencies.Identity, investigator, "evidence", "upload", file, "--item", item, "--agency", agency, "--agency-code", "nl");
        Assert.True(upload.ExitCode == 0, upload.Error);
        Assert.Contains("uploaded", upload.Error); // the progress bar
        Assert.Contains(EvidenceExchange.Sha256(content), upload.Out);
        var stored = (await nl.Evidence.GetEvidenceItemAsync(new() { Name = item })).EvidenceItem.Content;
        Assert.Equal(EvidenceExchange.Sha256(content), stored.Sha256);
        // The CLI finished the earlier upload (the one cut at 600,000 bytes), not one of its own.
        Assert.True((await nl.Content.QueryUploadAsync(new() { Upload = earlier.Name })).Upload.Complete);

        var custody = await AuditorCli.RunAsync(agencies.Identity, investigator, "evidence", "custody", "--item", item, "--agency", agency, "--agency-code", "nl");
        Assert.True(custody.ExitCode == 0, custody.Error);
        Assert.Contains("content acquired", custody.Out);

        var package = Path.Combine(folder, "package");
        var export = await AuditorCli.RunAsync(agencies.Identity, investigator, "evidence", "export", "--item", item, "--out", package, "--agency", agency, "--agency-code", "nl");
        Assert.True(export.ExitCode == 0, export.Error);
        var (ok, okOutput) = await Sha256SumCheckAsync(package);
        Assert.True(ok, okOutput);
        Assert.Equal(3, okOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // custody.jsonld, report.md, the content
        var exported = Directory.GetFiles(package, "extraction.zip", SearchOption.AllDirectories).Single();
        Assert.Equal(content, await File.ReadAllBytesAsync(exported));
        Assert.Contains("case-investigation:InvestigativeAction", await File.ReadAllTextAsync(Directory.GetFiles(package, "custody.jsonld", SearchOption.AllDirectories).Single()));

        await using (var changed = new FileStream(exported, FileMode.Open, FileAccess.ReadWrite))
        {
            changed.Position = 1_000_000;
            changed.WriteByte((byte)(content[1_000_000] ^ 0x80));
        }

        var (stillOk, failedOutput) = await Sha256SumCheckAsync(package);
        Assert.False(stillOk);
        Assert.Contains("extraction.zip: FAILED", failedOutput);
    }

    private static async Task<(bool Ok, string Output)> Sha256SumCheckAsync(string folder)
    {
        var check = Process.Start(new ProcessStartInfo("sha256sum", "-c manifest.sha256") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await check.StandardOutput.ReadToEndAsync() + await check.StandardError.ReadToEndAsync();
        await check.WaitForExitAsync();
        return (check.ExitCode == 0, output);
    }
}
