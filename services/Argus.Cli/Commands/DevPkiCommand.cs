using System.CommandLine;

namespace Argus.Cli;

/// <summary>argus dev-pki init --dir DIR: the local development CA and certificates (deploy/local uses it).</summary>
internal static class DevPkiCommand
{
    public static Command Build(TextWriter stdout)
    {
        var directory = new Option<string>("--dir") { Description = "Where to keep the CA and certificates.", Required = true };
        var init = new Command("init", "Create the CA and the services' and clients' certificates, once; existing files are kept.") { directory };
        init.SetAction(result =>
        {
            var pki = DevelopmentPki.LoadOrCreate(result.GetValue(directory)!);
            stdout.WriteLine($"Development PKI in {Path.GetDirectoryName(pki.CaCertificatePath)}: ca.crt, {string.Join(", ", DevelopmentPki.Servers.Concat(DevelopmentPki.Clients).Select(n => n + ".crt/.key"))}");
            return ExitCodes.Ok;
        });
        var command = new Command("dev-pki", "A local certificate authority for development; never for production.");
        command.Subcommands.Add(init);
        return command;
    }
}
