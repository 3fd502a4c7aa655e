using System.Globalization;
using System.Security.Claims;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Argus.Identity.Clients;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Identity.V1;

namespace Argus.Identity.Admin;

/// <summary>The administration API: thin mapping onto <see cref="ClientRegistry"/>. The actor is the calling administrator's client id.</summary>
internal sealed class ClientAdminGrpcService(ClientRegistry registry) : Proto.ClientAdminService.ClientAdminServiceBase
{
    private const int DefaultPageSize = 100;

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.CreateClientResponse> CreateClient(Proto.CreateClientRequest request, ServerCallContext context)
    {
        var (client, secret) = await registry.CreateAsync(
            new NewClient(request.ClientId, request.DisplayName, AdminMapping.ToDomain(request.Kind), AdminMapping.ToDomain(request.AuthenticationMethod),
                request.Audiences, request.Scopes, request.CertificatesPem, request.Agency),
            Actor(context), context.CancellationToken);
        return new() { Client = AdminMapping.ToProto(client), ClientSecret = secret ?? "" };
    }

    [Authorize(ArgusScopes.AdminRead)]
    public override async Task<Proto.GetClientResponse> GetClient(Proto.GetClientRequest request, ServerCallContext context) =>
        new() { Client = AdminMapping.ToProto(await registry.GetAsync(ClientId(request.Name, "name"), context.CancellationToken)) };

    [Authorize(ArgusScopes.AdminRead)]
    public override async Task<Proto.ListClientsResponse> ListClients(Proto.ListClientsRequest request, ServerCallContext context)
    {
        var (size, offset) = Page(request.PageSize, request.PageToken);
        var (clients, next) = await registry.ListAsync(size, (int)offset, context.CancellationToken);
        var response = new Proto.ListClientsResponse { NextPageToken = next?.ToString(CultureInfo.InvariantCulture) ?? "" };
        response.Clients.AddRange(clients.Select(AdminMapping.ToProto));
        return response;
    }

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.UpdateClientResponse> UpdateClient(Proto.UpdateClientRequest request, ServerCallContext context)
    {
        var change = request.Client ?? throw FieldErrors.Invalid("client", "is required.");
        var paths = request.UpdateMask?.Paths ?? [];
        var errors = new FieldErrors();
        errors.Check(paths.Count > 0, "update_mask", "is required: display_name, audiences and/or scopes.");
        foreach (var path in paths.Where(p => p is not ("display_name" or "audiences" or "scopes")))
        {
            errors.Add("update_mask", $"\"{path}\" cannot be updated; updatable: display_name, audiences, scopes.");
        }

        errors.ThrowIfAny();
        var client = await registry.UpdateAsync(ClientId(change.Name, "client.name"),
            paths.Contains("display_name") ? change.DisplayName : null,
            paths.Contains("audiences") ? change.Audiences : null,
            paths.Contains("scopes") ? change.Scopes : null,
            Actor(context), context.CancellationToken);
        return new() { Client = AdminMapping.ToProto(client) };
    }

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.RotateClientSecretResponse> RotateClientSecret(Proto.RotateClientSecretRequest request, ServerCallContext context)
    {
        var (client, secret) = await registry.RotateSecretAsync(ClientId(request.Name, "name"), Actor(context), context.CancellationToken);
        return new() { Client = AdminMapping.ToProto(client), ClientSecret = secret };
    }

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.AddClientCertificateResponse> AddClientCertificate(Proto.AddClientCertificateRequest request, ServerCallContext context) =>
        new() { Client = AdminMapping.ToProto(await registry.AddCertificateAsync(ClientId(request.Name, "name"), request.CertificatePem, Actor(context), context.CancellationToken)) };

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.RemoveClientCertificateResponse> RemoveClientCertificate(Proto.RemoveClientCertificateRequest request, ServerCallContext context) =>
        new() { Client = AdminMapping.ToProto(await registry.RemoveCertificateAsync(ClientId(request.Name, "name"), request.Sha256Thumbprint, Actor(context), context.CancellationToken)) };

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.DisableClientResponse> DisableClient(Proto.DisableClientRequest request, ServerCallContext context) =>
        new() { Client = AdminMapping.ToProto(await registry.SetDisabledAsync(ClientId(request.Name, "name"), true, Actor(context), context.CancellationToken)) };

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.EnableClientResponse> EnableClient(Proto.EnableClientRequest request, ServerCallContext context) =>
        new() { Client = AdminMapping.ToProto(await registry.SetDisabledAsync(ClientId(request.Name, "name"), false, Actor(context), context.CancellationToken)) };

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.DeleteClientResponse> DeleteClient(Proto.DeleteClientRequest request, ServerCallContext context)
    {
        var clientId = ClientId(request.Name, "name");
        if (clientId == Actor(context))
        {
            throw new PreconditionFailedException("An administrator cannot delete its own client; use another administrator.");
        }

        await registry.DeleteAsync(clientId, Actor(context), context.CancellationToken);
        return new();
    }

    [Authorize(ArgusScopes.AdminRead)]
    public override async Task<Proto.ListAdminEventsResponse> ListAdminEvents(Proto.ListAdminEventsRequest request, ServerCallContext context)
    {
        var (size, before) = Page(request.PageSize, request.PageToken);
        var (events, next) = await registry.ListEventsAsync(request.Target, size, before, context.CancellationToken);
        var response = new Proto.ListAdminEventsResponse { NextPageToken = next?.ToString(CultureInfo.InvariantCulture) ?? "" };
        response.Events.AddRange(events.Select(AdminMapping.ToProto));
        return response;
    }

    private static string Actor(ServerCallContext context) =>
        context.GetHttpContext().User.FindFirstValue("sub") ?? throw new AccessDeniedException("The token names no client.");

    private static string ClientId(string name, string field) =>
        name.StartsWith("clients/", StringComparison.Ordinal) && name.Length > "clients/".Length
            ? name["clients/".Length..]
            : throw FieldErrors.Invalid(field, $"\"{name}\" is not a client name like \"clients/argus-nl\".");

    private static (int Size, long Position) Page(int pageSize, string pageToken)
    {
        var errors = new FieldErrors();
        errors.Check(pageSize is >= 0 and <= 1000, "page_size", "must be between 1 and 1000 (0 for the default of 100).");
        long position = 0;
        errors.Check(pageToken.Length == 0 || (long.TryParse(pageToken, CultureInfo.InvariantCulture, out position) && position > 0), "page_token", "is not a token this list returned.");
        errors.ThrowIfAny();
        return (pageSize == 0 ? DefaultPageSize : pageSize, position);
    }
}
