using System.CommandLine;
using Argus.Client;
using Argus.Identity.V1;
using Google.Rpc;
using Grpc.Core;

namespace Argus.Cli;

/// <summary>
/// The command tree. Every command prints a table (or --json) on stdout, a one-line error on
/// stderr, and exits 0 on success, 1 for a usage error, 2 when the server refused the request,
/// 3 when something was not found, 4 when the credentials were refused, 5 when a server was unreachable.
/// </summary>
public static class ArgusCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts instead of tables.", Recursive = true };
        var credentials = new Option<string>("--credentials")
        {
            Description = "The administrator's credentials file (default: $ARGUS_ADMIN_CREDENTIALS).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_ADMIN_CREDENTIALS") ?? "bootstrap-admin.json",
        };
        var ca = new Option<string?>("--ca")
        {
            Description = "PEM of the CA the identity server's certificate chains to (default: $ARGUS_CA).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_CA"),
        };
        var identity = new Option<string?>("--identity")
        {
            Description = "The identity server's URL (default: from the credentials file, or $ARGUS_IDENTITY).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_IDENTITY"),
        };

        var root = new RootCommand("argus: Argus.Micro from the command line: client credentials, processing logs, dead letters, evidence and its custody, intercepted-message datasets.");
        root.Options.Add(json);
        root.Options.Add(credentials);
        root.Options.Add(ca);
        root.Options.Add(identity);
        root.Subcommands.Add(ClientCommands.Build(Run));
        root.Subcommands.Add(AuditCommands.Build(result => new AdminConnection(result.GetValue(credentials)!, result.GetValue(ca), result.GetValue(identity)), stdout, stderr));
        root.Subcommands.Add(DevPkiCommand.Build(stdout));
        root.Subcommands.Add(DeadLetterCommands.Build(stdout, stderr, json));
        root.Subcommands.Add(EvidenceCommands.Build(result => new AdminConnection(result.GetValue(credentials)!, result.GetValue(ca), result.GetValue(identity)), stdout, stderr, json));
        root.Subcommands.Add(InterceptCommands.Build(result => new AdminConnection(result.GetValue(credentials)!, result.GetValue(ca), result.GetValue(identity)), stdout, stderr, json));

        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });

        // Runs one admin action with a connection and maps failures to exit codes.
        Func<ParseResult, CancellationToken, Task<int>> Run(Func<ClientAdminService.ClientAdminServiceClient, Output, ParseResult, CancellationToken, Task> action) =>
            (result, cancellationToken) => GuardAsync(stderr, async () =>
            {
                var output = new Output(stdout, result.GetValue(json));
                var connection = new AdminConnection(result.GetValue(credentials)!, result.GetValue(ca), result.GetValue(identity));
                using var client = connection.Connect(out var tokens);
                using (tokens)
                {
                    await action(client.Clients, output, result, cancellationToken);
                }

                return ExitCodes.Ok;
            });
    }

    /// <summary>Runs a command, turning the failures a user can meet into one line on stderr and an exit code.</summary>
    internal static async Task<int> GuardAsync(TextWriter stderr, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (CliException ex)
        {
            await stderr.WriteLineAsync($"argus: {ex.Message}");
            return ex.ExitCode;
        }
        catch (RpcException ex)
        {
            await stderr.WriteLineAsync($"argus: {Describe(ex)}");
            return ex.StatusCode switch
            {
                StatusCode.InvalidArgument or StatusCode.AlreadyExists or StatusCode.FailedPrecondition or StatusCode.Aborted => ExitCodes.Refused,
                StatusCode.NotFound => ExitCodes.NotFound,
                StatusCode.Unauthenticated or StatusCode.PermissionDenied => ExitCodes.Unauthorized,
                _ => ExitCodes.Unavailable,
            };
        }
    }

    private static string Describe(RpcException ex)
    {
        var violations = ex.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
        var detail = violations is { Count: > 0 }
            ? string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"))
            : ex.Status.Detail;
        return ex.StatusCode switch
        {
            StatusCode.Unauthenticated => $"not authenticated: {(detail.Length > 0 ? detail : "the credentials or token were refused")}",
            StatusCode.PermissionDenied => $"permission denied: {(detail.Length > 0 ? detail : "the credentials lack the argus.admin scope")}",
            StatusCode.Unavailable => $"unreachable: {detail}",
            _ => $"{ex.StatusCode}: {detail}",
        };
    }
}
