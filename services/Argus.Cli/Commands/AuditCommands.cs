using System.CommandLine;
using Argus.Audit.V1;
using Argus.Client;
using Argus.Client.Audit;
using Argus.Client.Security;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Argus.Cli;

/// <summary>
/// argus audit verify|list --agency URL --agency-code nl: reads an agency's processing log and
/// checks its hash chain here, on the auditor's machine, trusting nothing the service computed.
/// </summary>
internal static class AuditCommands
{
    public static Command Build(Func<ParseResult, AdminConnection> connection, TextWriter stdout, TextWriter stderr)
    {
        var agency = new Option<string>("--agency") { Description = "The agency service, e.g. https://127.0.0.1:5101.", Required = true };
        var code = new Option<string>("--agency-code") { Description = "nl or be: whose audience the token is for.", Required = true };
        code.AcceptOnlyFromAmong("nl", "be");
        var record = new Option<string?>("--record") { Description = "Only entries about this record (list)." };

        var witness = new Option<string?>("--witness")
        {
            Description = "The partner agency's service, e.g. https://127.0.0.1:5102: also check that the log extends every head of it that partner witnessed (exit 7 if not).",
        };
        var witnessCode = new Option<string?>("--witness-code") { Description = "nl or be: the witness's audience." };
        witnessCode.AcceptOnlyFromAmong("nl", "be");

        var verify = new Command("verify", "Check the whole hash chain; names the first broken entry (exit 6).") { agency, code, witness, witnessCode };
        verify.SetAction((result, cancellationToken) => RunAsync(result, async (audit, credentials) =>
        {
            var previous = AuditChain.Genesis;
            long sequence = 0;
            long after = 0;
            var hashes = new Dictionary<long, string>();
            do
            {
                var page = await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 1000, AfterSequence = after }, cancellationToken: cancellationToken);
                if (AuditChain.FirstBreak(page.Entries, ref previous, ref sequence) is { } broken)
                {
                    await stderr.WriteLineAsync($"argus: the processing log is broken at entry {broken.Sequence}: {broken.Reason}.");
                    return ExitCodes.ChainBroken;
                }

                foreach (var entry in page.Entries)
                {
                    hashes[entry.Sequence] = entry.Hash;
                }

                after = page.NextAfterSequence;
            }
            while (after > 0);
            await stdout.WriteLineAsync($"The processing log of {result.GetValue(agency)} is intact: {sequence} entries, head {previous}.");
            if (result.GetValue(witness) is not { } witnessAddress)
            {
                return ExitCodes.Ok;
            }

            var witnessAgency = result.GetValue(witnessCode) ?? throw new CliException(ExitCodes.Usage, "--witness needs --witness-code (nl or be).");
            var ca = credentials.CaCertificate ?? throw new CliException(ExitCodes.Usage, "Checking witnessed heads needs the Argus CA (ARGUS_CA).");
            var heads = await WithAuditAsync(witnessAddress, witnessAgency, credentials, witnessed =>
                witnessed.ListWitnessedLogHeadsAsync(new ListWitnessedLogHeadsRequest { Owner = Enum.Parse<Common.V1.AgencyCode>(result.GetValue(code)!, ignoreCase: true) },
                    cancellationToken: cancellationToken).ResponseAsync);
            // Every contradicted head is named (the first few): which heads a rewrite contradicts
            // dates it for the auditor, and the partner may have witnessed several since.
            var problems = new List<string>();
            foreach (var head in heads.Heads)
            {
                var name = $"the head at entry {head.Sequence} ({head.Hash[..Math.Min(12, head.Hash.Length)]}…) that {witnessAddress} witnessed at {head.WitnessTime.ToDateTime():yyyy-MM-dd HH:mm:ss} UTC";
                var problem = LogHeadSignature.Problem(head, result.GetValue(code)!, ca) is { } signature
                    ? $"{name} does not verify: {signature}"
                    : !hashes.TryGetValue(head.Sequence, out var hash) && head.Sequence > 0
                        ? $"the log has no entry {head.Sequence} any more, yet {name}"
                        : head.Sequence > 0 && hash != head.Hash
                            ? $"the log does not extend {name}: its entry {head.Sequence} hashes to {hash![..12]}… now"
                            : null;
                if (problem is not null)
                {
                    problems.Add(problem);
                }
            }

            if (problems.Count > 0)
            {
                const int shown = 10;
                foreach (var problem in problems.Take(shown))
                {
                    await stderr.WriteLineAsync($"argus: {problem}.");
                }

                if (problems.Count > shown)
                {
                    await stderr.WriteLineAsync($"argus: and {problems.Count - shown} more witnessed heads the log contradicts.");
                }

                return ExitCodes.WitnessContradicted;
            }

            await stdout.WriteLineAsync(heads.Heads.Count == 1
                ? $"It extends the head {witnessAddress} witnessed, signed by {result.GetValue(code)}."
                : $"It extends all {heads.Heads.Count} heads {witnessAddress} witnessed, each signed by {result.GetValue(code)}.");
            return ExitCodes.Ok;
        }));

        var list = new Command("list", "Print the processing log, oldest first.") { agency, code, record };
        list.SetAction((result, cancellationToken) => RunAsync(result, async (audit, _) =>
        {
            long after = 0;
            await stdout.WriteLineAsync("#       TIME (UTC)           CLIENT            ACTION        RECORD / JUSTIFICATION");
            do
            {
                var page = await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 1000, AfterSequence = after, Record = result.GetValue(record) ?? "" },
                    cancellationToken: cancellationToken);
                foreach (var entry in page.Entries)
                {
                    var action = entry.Action.ToString().ToLowerInvariant();
                    var justification = entry.Justification.Length > 0 ? $"  \"{entry.Justification}\"" : "";
                    await stdout.WriteLineAsync($"{entry.Sequence,-7} {entry.Time.ToDateTime():yyyy-MM-dd HH:mm:ss}  {entry.ClientId,-16}  {action,-12}  {entry.Record}{justification}");
                }

                after = page.NextAfterSequence;
            }
            while (after > 0);
            return ExitCodes.Ok;
        }));

        var audit = new Command("audit", "The agencies' processing logs (Directive 2016/680 Art. 25).");
        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(list);
        return audit;

        Task<int> RunAsync(ParseResult result, Func<AuditService.AuditServiceClient, ClientCredentials, Task<int>> action) => ArgusCli.GuardAsync(stderr, async () =>
        {
            var (_, credentials) = connection(result).Load();
            return await WithAuditAsync(result.GetValue(agency)!, result.GetValue(code)!, credentials, audit => action(audit, credentials));
        });

        static async Task<T> WithAuditAsync<T>(string address, string agencyCode, ClientCredentials credentials, Func<AuditService.AuditServiceClient, Task<T>> action)
        {
            using var tokens = new AccessTokenSource(credentials);
            var options = new ArgusChannelOptions { Credentials = credentials, Tokens = tokens, Audience = ArgusAudiences.Agency(agencyCode) };
            var invoker = ArgusChannel.Create(new Uri(address), options,
                [new MethodName { Service = "argus.audit.v1.AuditService", Method = "ListAuditEntries" }], out var channel);
            using (channel)
            {
                return await action(new AuditService.AuditServiceClient(invoker));
            }
        }
    }
}
