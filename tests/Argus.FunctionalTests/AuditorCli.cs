using System.Text.Json;
using Argus.Cli;
using Argus.Client.Security;
using Argus.Testing;

namespace Argus.FunctionalTests;

/// <summary>`argus` as an auditor runs it: a credentials file for a secret client, the test CA, the CLI in-process.</summary>
internal static class AuditorCli
{
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(RunningIdentity identity, ClientCredentials auditor, params string[] args)
    {
        var file = Path.Combine(identity.DataDirectory, $"{auditor.ClientId}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            clientId = auditor.ClientId,
            clientSecret = auditor.ClientSecret,
            tokenEndpoint = identity.TokenEndpoint.ToString(),
            issuer = identity.Issuer.ToString(),
        }));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ArgusCli.RunAsync([.. args, "--credentials", file, "--ca", TestPki.Pki.CaCertificatePath], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
