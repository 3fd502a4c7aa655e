using System.Globalization;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Argus.Identity.Clients;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Logging;
using Proto = Argus.Identity.V1;

namespace Argus.Identity.Admin;

/// <summary>
/// The administration API: thin mapping onto <see cref="ClientRegistry"/>. The actor is the calling
/// administrator's client id; <see cref="AdministratorAuthority"/> says which clients it administers.
/// A change only a JIT-wide administrator could make is also logged, at Warning.
/// </summary>
internal sealed partial class ClientAdminGrpcService(ClientRegistry registry, ILogger<ClientAdminGrpcService> logger) : Proto.ClientAdminService.ClientAdminServiceBase
{
    private const int DefaultPageSize = 100;

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.CreateClientResponse> CreateClient(Proto.CreateClientRequest request, ServerCallContext context)
    {
        var authority = Authority(context);
        var agency = authority.AgencyForNewClient(request.Agency);
        authority.CheckGrant(request.Scopes);
        var (client, secret) = await registry.CreateAsync(
            new NewClient(request.ClientId, request.DisplayName, AdminMapping.ToDomain(request.Kind), AdminMapping.ToDomain(request.AuthenticationMethod),
                request.Audiences, request.Scopes, request.CertificatesPem, agency),
            authority.Actor, context.CancellationToken);
        LogIfJitWide(authority, "created", client);
        return new() { Client = AdminMapping.ToProto(client), ClientSecret = secret ?? "" };
    }

    [Authorize(ArgusScopes.AdminRead)]
    public override async Task<Proto.GetClientResponse> GetClient(Proto.GetClientRequest request, ServerCallContext context)
    {
        var (_, client) = await ManagedAsync(request.Name, "name", context);
        return new() { Client = AdminMapping.ToProto(client) };
    }

    [Authorize(ArgusScopes.AdminRead)]
    public override async Task<Proto.ListClientsResponse> ListClients(Proto.ListClientsRequest request, ServerCallContext context)
    {
        var authority = Authority(context);
        var (size, offset) = Page(request.PageSize, request.PageToken);
        // An agency administrator sees its agency's clients only.
        Func<ClientView, bool>? filter = authority.JitWide ? null : authority.CanManage;
        var (clients, next) = await registry.ListAsync(size, (int)offset, filter, context.CancellationToken);
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
        var (authority, before) = await ManagedAsync(change.Name, "client.name", context);
        var scopes = paths.Contains("scopes") ? change.Scopes : null;
        if (scopes is not null)
        {
            authority.CheckGrant(scopes);
        }

        var client = await registry.UpdateAsync(before.ClientId,
            paths.Contains("display_name") ? change.DisplayName : null,
            paths.Contains("audiences") ? change.Audiences : null,
            scopes,
            authority.Actor, context.CancellationToken);
        LogIfJitWide(authority, "updated", before, client);
        return new() { Client = AdminMapping.ToProto(client) };
    }

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.RotateClientSecretResponse> RotateClientSecret(Proto.RotateClientSecretRequest request, ServerCallContext context)
    {
        var (authority, before) = await ManagedAsync(request.Name, "name", context);
        var (client, secret) = await registry.RotateSecretAsync(before.ClientId, authority.Actor, context.CancellationToken);
        LogIfJitWide(authority, "rotated the secret of", before);
        return new() { Client = AdminMapping.ToProto(client), ClientSecret = secret };
    }

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.AddClientCertificateResponse> AddClientCertificate(Proto.AddClientCertificateRequest request, ServerCallContext context)
    {
        var (authority, before) = await ManagedAsync(request.Name, "name", context);
        var client = await registry.AddCertificateAsync(before.ClientId, request.CertificatePem, authority.Actor, context.CancellationToken);
        LogIfJitWide(authority, "added a certificate to", before);
        return new() { Client = AdminMapping.ToProto(client) };
    }

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.RemoveClientCertificateResponse> RemoveClientCertificate(Proto.RemoveClientCertificateRequest request, ServerCallContext context)
    {
        var (authority, before) = await ManagedAsync(request.Name, "name", context);
        var client = await registry.RemoveCertificateAsync(before.ClientId, request.Sha256Thumbprint, authority.Actor, context.CancellationToken);
        LogIfJitWide(authority, "removed a certificate from", before);
        return new() { Client = AdminMapping.ToProto(client) };
    }

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.DisableClientResponse> DisableClient(Proto.DisableClientRequest request, ServerCallContext context)
    {
        var (authority, before) = await ManagedAsync(request.Name, "name", context);
        var client = await registry.SetDisabledAsync(before.ClientId, true, authority.Actor, context.CancellationToken);
        LogIfJitWide(authority, "disabled", before);
        return new() { Client = AdminMapping.ToProto(client) };
    }

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.EnableClientResponse> EnableClient(Proto.EnableClientRequest request, ServerCallContext context)
    {
        var (authority, before) = await ManagedAsync(request.Name, "name", context);
        var client = await registry.SetDisabledAsync(before.ClientId, false, authority.Actor, context.CancellationToken);
        LogIfJitWide(authority, "enabled", before);
        return new() { Client = AdminMapping.ToProto(client) };
    }

    [Authorize(ArgusScopes.Admin)]
    public override async Task<Proto.DeleteClientResponse> DeleteClient(Proto.DeleteClientRequest request, ServerCallContext context)
    {
        var authority = Authority(context);
        if (ClientId(request.Name, "name") == authority.Actor)
        {
            throw new PreconditionFailedException("An administrator cannot delete its own client; use another administrator.");
        }

        var (_, before) = await ManagedAsync(request.Name, "name", context);
        await registry.DeleteAsync(before.ClientId, authority.Actor, context.CancellationToken);
        LogIfJitWide(authority, "deleted", before);
        return new();
    }

    [Authorize(ArgusScopes.AdminRead)]
    public override async Task<Proto.ListAdminEventsResponse> ListAdminEvents(Proto.ListAdminEventsRequest request, ServerCallContext context)
    {
        var authority = Authority(context);
        var (size, before) = Page(request.PageSize, request.PageToken);
        if (!authority.JitWide)
        {
            ClientView? target = null;
            if (request.Target.Length > 0)
            {
                try
                {
                    target = await registry.GetAsync(ClientId(request.Target, "target"), context.CancellationToken);
                }
                catch (ResourceNotFoundException)
                {
                }
            }

            authority.CheckTrail(request.Target, target);
        }

        var (events, next) = await registry.ListEventsAsync(request.Target, size, before, context.CancellationToken);
        var response = new Proto.ListAdminEventsResponse { NextPageToken = next?.ToString(CultureInfo.InvariantCulture) ?? "" };
        response.Events.AddRange(events.Select(AdminMapping.ToProto));
        return response;
    }

    private static AdministratorAuthority Authority(ServerCallContext context) => AdministratorAuthority.For(context.GetHttpContext().User);

    /// <summary>The caller's authority and the client <paramref name="name"/>, which it must administer.</summary>
    private async Task<(AdministratorAuthority Authority, ClientView Client)> ManagedAsync(string name, string field, ServerCallContext context)
    {
        var authority = Authority(context);
        var client = await registry.GetAsync(ClientId(name, field), context.CancellationToken);
        authority.Check(client);
        return (authority, client);
    }

    private void LogIfJitWide(AdministratorAuthority authority, string action, ClientView before, ClientView? after = null)
    {
        if (authority.NeedsJitWide(before) || (after is not null && authority.NeedsJitWide(after)))
        {
            LogJitWide(logger, authority.Actor, action, before.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "JIT-wide administrator {Actor} {Action} {Target}")]
    private static partial void LogJitWide(ILogger logger, string actor, string action, string target);

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
