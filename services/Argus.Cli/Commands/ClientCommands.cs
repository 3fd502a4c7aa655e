using System.CommandLine;
using Argus.Identity.V1;
using ClientRecord = Argus.Identity.V1.Client;
using Google.Protobuf.WellKnownTypes;

namespace Argus.Cli;

/// <summary>argus clients create|list|show|update|rotate-secret|add-cert|remove-cert|disable|enable|delete|events.</summary>
internal static class ClientCommands
{
    public delegate Func<ParseResult, CancellationToken, Task<int>> Runner(Func<ClientAdminService.ClientAdminServiceClient, Output, ParseResult, CancellationToken, Task> action);

    public static Command Build(Runner run)
    {
        var clients = new Command("clients", "Manage the clients of the identity server.");
        var clientId = new Argument<string>("client-id") { Description = "e.g. argus-nl" };

        var kind = new Option<string>("--kind") { Description = "agency-service, partner-system or administrator.", Required = true };
        kind.AcceptOnlyFromAmong("agency-service", "partner-system", "administrator");
        var auth = new Option<string>("--auth") { Description = "mtls (certificate, bound tokens) or secret.", Required = true };
        auth.AcceptOnlyFromAmong("mtls", "secret");
        var audience = new Option<string[]>("--audience") { Description = "An audience, e.g. urn:argus:agency:be (repeatable).", AllowMultipleArgumentsPerToken = true };
        var scope = new Option<string[]>("--scope") { Description = "A scope, e.g. argus.arrests.read (repeatable).", AllowMultipleArgumentsPerToken = true };
        var cert = new Option<string[]>("--cert") { Description = "A PEM client certificate file (repeatable; mtls only).", AllowMultipleArgumentsPerToken = true };
        var displayName = new Option<string?>("--display-name") { Description = "A readable name." };
        var agency = new Option<string?>("--agency") { Description = "The agency the client acts for: nl or be (required for agency services)." };

        var create = new Command("create", "Register a client. A secret is printed once.") { clientId, kind, auth, audience, scope, cert, displayName, agency };
        create.SetAction(run(async (admin, output, result, ct) =>
        {
            var request = new CreateClientRequest
            {
                ClientId = result.GetValue(clientId)!,
                DisplayName = result.GetValue(displayName) ?? "",
                Agency = result.GetValue(agency) ?? "",
                Kind = result.GetValue(kind) switch
                {
                    "agency-service" => ClientKind.AgencyService,
                    "partner-system" => ClientKind.PartnerSystem,
                    _ => ClientKind.Administrator,
                },
                AuthenticationMethod = result.GetValue(auth) == "mtls" ? AuthenticationMethod.MutualTls : AuthenticationMethod.ClientSecret,
            };
            request.Audiences.AddRange(result.GetValue(audience) ?? []);
            request.Scopes.AddRange(result.GetValue(scope) ?? []);
            request.CertificatesPem.AddRange((result.GetValue(cert) ?? []).Select(ReadFile));
            var response = await admin.CreateClientAsync(request, cancellationToken: ct);
            output.Client(response.Client, response.ClientSecret.Length > 0 ? response.ClientSecret : null);
        }));

        var list = new Command("list", "List clients (never their secrets).");
        list.SetAction(run(async (admin, output, _, ct) =>
        {
            var all = new List<ClientRecord>();
            var token = "";
            do
            {
                var page = await admin.ListClientsAsync(new ListClientsRequest { PageSize = 500, PageToken = token }, cancellationToken: ct);
                all.AddRange(page.Clients);
                token = page.NextPageToken;
            }
            while (token.Length > 0);
            output.Clients(all);
        }));

        var show = new Command("show", "Show one client.") { clientId };
        show.SetAction(run(async (admin, output, result, ct) =>
            output.Client((await admin.GetClientAsync(new GetClientRequest { Name = Name(result.GetValue(clientId)!) }, cancellationToken: ct)).Client)));

        var update = new Command("update", "Change a client's display name, audiences or scopes (each given replaces the old list).") { clientId, audience, scope, displayName };
        update.SetAction(run(async (admin, output, result, ct) =>
        {
            var request = new UpdateClientRequest { Client = new ClientRecord { Name = Name(result.GetValue(clientId)!) }, UpdateMask = new FieldMask() };
            if (result.GetValue(displayName) is { } name)
            {
                request.Client.DisplayName = name;
                request.UpdateMask.Paths.Add("display_name");
            }

            if (result.GetValue(audience) is { Length: > 0 } audiences)
            {
                request.Client.Audiences.AddRange(audiences);
                request.UpdateMask.Paths.Add("audiences");
            }

            if (result.GetValue(scope) is { Length: > 0 } scopes)
            {
                request.Client.Scopes.AddRange(scopes);
                request.UpdateMask.Paths.Add("scopes");
            }

            if (request.UpdateMask.Paths.Count == 0)
            {
                throw new CliException(ExitCodes.Usage, "Nothing to update: give --display-name, --audience and/or --scope.");
            }

            output.Client((await admin.UpdateClientAsync(request, cancellationToken: ct)).Client);
        }));

        var rotate = new Command("rotate-secret", "Issue a new secret; the old one works for the grace period.") { clientId };
        rotate.SetAction(run(async (admin, output, result, ct) =>
        {
            var response = await admin.RotateClientSecretAsync(new RotateClientSecretRequest { Name = Name(result.GetValue(clientId)!) }, cancellationToken: ct);
            output.Client(response.Client, response.ClientSecret);
        }));

        var certificateFile = new Argument<string>("certificate") { Description = "PEM certificate file." };
        var addCert = new Command("add-cert", "Register another client certificate (e.g. before the old one expires).") { clientId, certificateFile };
        addCert.SetAction(run(async (admin, output, result, ct) =>
            output.Client((await admin.AddClientCertificateAsync(
                new AddClientCertificateRequest { Name = Name(result.GetValue(clientId)!), CertificatePem = ReadFile(result.GetValue(certificateFile)!) }, cancellationToken: ct)).Client)));

        var thumbprint = new Argument<string>("sha256-thumbprint") { Description = "As `argus clients show` prints it." };
        var removeCert = new Command("remove-cert", "Stop accepting a client certificate.") { clientId, thumbprint };
        removeCert.SetAction(run(async (admin, output, result, ct) =>
            output.Client((await admin.RemoveClientCertificateAsync(
                new RemoveClientCertificateRequest { Name = Name(result.GetValue(clientId)!), Sha256Thumbprint = result.GetValue(thumbprint)! }, cancellationToken: ct)).Client)));

        var disable = new Command("disable", "Give the client no new token.") { clientId };
        disable.SetAction(run(async (admin, output, result, ct) =>
            output.Client((await admin.DisableClientAsync(new DisableClientRequest { Name = Name(result.GetValue(clientId)!) }, cancellationToken: ct)).Client)));

        var enable = new Command("enable", "Let a disabled client get tokens again.") { clientId };
        enable.SetAction(run(async (admin, output, result, ct) =>
            output.Client((await admin.EnableClientAsync(new EnableClientRequest { Name = Name(result.GetValue(clientId)!) }, cancellationToken: ct)).Client)));

        var delete = new Command("delete", "Remove the client.") { clientId };
        delete.SetAction(run(async (admin, output, result, ct) =>
        {
            await admin.DeleteClientAsync(new DeleteClientRequest { Name = Name(result.GetValue(clientId)!) }, cancellationToken: ct);
            output.Line(output.Json ? "{}" : $"Deleted clients/{result.GetValue(clientId)}.");
        }));

        var eventsClient = new Argument<string?>("client-id") { Description = "Only events about this client.", Arity = ArgumentArity.ZeroOrOne };
        var events = new Command("events", "The administrative trail: who did what to which client, newest first.") { eventsClient };
        events.SetAction(run(async (admin, output, result, ct) =>
        {
            var request = new ListAdminEventsRequest { PageSize = 200, Target = result.GetValue(eventsClient) is { } id ? Name(id) : "" };
            output.Events((await admin.ListAdminEventsAsync(request, cancellationToken: ct)).Events);
        }));

        foreach (var command in new[] { create, list, show, update, rotate, addCert, removeCert, disable, enable, delete, events })
        {
            clients.Subcommands.Add(command);
        }

        return clients;
    }

    private static string Name(string clientId) => $"clients/{clientId}";

    private static string ReadFile(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new CliException(ExitCodes.Usage, $"{path} does not exist.");
}
