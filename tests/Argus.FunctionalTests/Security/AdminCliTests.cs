using System.Text.Json;
using Argus.Cli;
using Argus.Testing;

namespace Argus.FunctionalTests.Security;

/// <summary>The `argus` command line against a real identity server: output, JSON and exit codes.</summary>
public sealed class AdminCliTests(ShortGraceIdentity fixture) : IClassFixture<ShortGraceIdentity>
{
    private string CredentialsFile()
    {
        var path = Path.Combine(fixture.Identity.DataDirectory, "cli-admin.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            clientId = "argus-admin",
            clientSecret = RunningIdentity.AdminSecret,
            tokenEndpoint = fixture.Identity.TokenEndpoint.ToString(),
            issuer = fixture.Identity.Issuer.ToString(),
        }));
        return path;
    }

    private async Task<(int ExitCode, string Out, string Error)> ArgusAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ArgusCli.RunAsync([.. args, "--credentials", CredentialsFile(), "--ca", TestPki.Pki.CaCertificatePath], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Create_prints_the_secret_once_and_list_and_show_print_the_client()
    {
        var id = $"cli-{Guid.NewGuid():N}"[..20];

        var (created, output, _) = await ArgusAsync("clients", "create", id, "--kind", "partner-system", "--auth", "secret",
            "--audience", "urn:argus:agency:nl", "--scope", "argus.arrests.read", "--json");
        Assert.Equal(0, created);
        using var json = JsonDocument.Parse(output);
        var secret = json.RootElement.GetProperty("clientSecret").GetString();
        Assert.False(string.IsNullOrEmpty(secret));

        var (listed, table, _) = await ArgusAsync("clients", "list");
        Assert.Equal(0, listed);
        Assert.Contains(id, table, StringComparison.Ordinal);
        Assert.StartsWith("CLIENT ID", table, StringComparison.Ordinal);

        var (shown, details, _) = await ArgusAsync("clients", "show", id);
        Assert.Equal(0, shown);
        Assert.Contains("argus.arrests.read", details, StringComparison.Ordinal);
        Assert.DoesNotContain(secret!, details + table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disable_enable_rotate_and_delete_succeed_and_are_in_the_trail()
    {
        var id = $"cli-{Guid.NewGuid():N}"[..20];
        Assert.Equal(0, (await ArgusAsync("clients", "create", id, "--kind", "partner-system", "--auth", "secret", "--audience", "urn:argus:agency:be", "--scope", "argus.evidence.read")).ExitCode);

        var (disabled, disableOut, _) = await ArgusAsync("clients", "disable", id);
        Assert.Equal(0, disabled);
        Assert.Contains("DISABLED", disableOut, StringComparison.Ordinal);
        Assert.Equal(0, (await ArgusAsync("clients", "enable", id)).ExitCode);
        var (rotated, rotateOut, _) = await ArgusAsync("clients", "rotate-secret", id);
        Assert.Equal(0, rotated);
        Assert.Contains("Secret", rotateOut, StringComparison.Ordinal);
        Assert.Equal(0, (await ArgusAsync("clients", "delete", id)).ExitCode);

        var (listed, events, _) = await ArgusAsync("clients", "events", id, "--json");
        Assert.Equal(0, listed);
        var actions = JsonDocument.Parse(events).RootElement.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["delete", "rotate-secret", "enable", "disable", "create"], actions);
    }

    [Fact]
    public async Task Mistakes_give_a_one_line_error_and_a_meaningful_exit_code()
    {
        var (missing, _, missingError) = await ArgusAsync("clients", "show", "does-not-exist");
        Assert.Equal(3, missing);
        Assert.Contains("not found", missingError, StringComparison.Ordinal);

        var (invalid, _, invalidError) = await ArgusAsync("clients", "create", "bad-scope-client", "--kind", "partner-system", "--auth", "secret",
            "--audience", "urn:argus:agency:nl", "--scope", "argus.everything");
        Assert.Equal(2, invalid);
        Assert.Contains("scopes:", invalidError, StringComparison.Ordinal);

        var (usage, _, _) = await ArgusAsync("clients", "create", "no-kind");
        Assert.Equal(1, usage);

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var noCredentials = await ArgusCli.RunAsync(["clients", "list", "--credentials", "/nonexistent/admin.json"], stdout, stderr);
        Assert.Equal(1, noCredentials);
        Assert.Contains("ARGUS_ADMIN_CREDENTIALS", stderr.ToString(), StringComparison.Ordinal);

        var wrongSecret = Path.Combine(fixture.Identity.DataDirectory, "wrong.json");
        await File.WriteAllTextAsync(wrongSecret, JsonSerializer.Serialize(new { clientId = "argus-admin", clientSecret = "wrong", issuer = fixture.Identity.Issuer.ToString() }));
        var refused = await ArgusCli.RunAsync(["clients", "list", "--credentials", wrongSecret, "--ca", TestPki.Pki.CaCertificatePath], stdout, stderr);
        Assert.Equal(4, refused);
    }
}
