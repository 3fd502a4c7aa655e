using Argus.Client;
using Argus.Client.Security;
using Argus.Identity.V1;
using Argus.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Argus.FunctionalTests.Security;

/// <summary>An identity server whose administrators these tests register.</summary>
public sealed class AdministratorScopeIdentity : IAsyncLifetime
{
    public RunningIdentity Identity { get; private set; } = null!;

    public async Task InitializeAsync() => Identity = await RunningIdentity.StartAsync();

    public async Task DisposeAsync() => await Identity.DisposeAsync();
}

/// <summary>
/// Who administers whom: an agency administrator manages the clients of its own agency only; one
/// holding argus.admin.jit (the bootstrap administrator) manages every client; one with neither
/// manages none; and a client that acts for no agency may only read.
/// </summary>
public sealed class AdministratorScopeTests(AdministratorScopeIdentity fixture) : IClassFixture<AdministratorScopeIdentity>
{
    private static readonly string Nl = ArgusAudiences.Agency("nl");
    private static readonly string Be = ArgusAudiences.Agency("be");

    private RunningIdentity Identity => fixture.Identity;

    private static string NewClientId(string what) => $"{what}-{Guid.NewGuid():N}"[..30];

    [Fact]
    public async Task An_agency_administrator_creates_clients_of_its_own_agency_and_an_empty_agency_means_its_own()
    {
        using var nl = await AdministratorAsync("nl");

        var named = await nl.Clients.CreateClientAsync(SecretClient("nl-named", "nl", Nl, ArgusScopes.ArrestsWrite));
        var defaulted = await nl.Clients.CreateClientAsync(SecretClient("nl-default", "", Nl, ArgusScopes.ArrestsWrite));

        Assert.Equal("nl", named.Client.Agency);
        Assert.Equal("nl", defaulted.Client.Agency);
    }

    [Fact]
    public async Task An_agency_administrator_may_not_create_a_client_for_the_other_agency()
    {
        using var nl = await AdministratorAsync("nl");
        var request = SecretClient("be-by-nl", "be", Be, ArgusScopes.ArrestsRead);

        var refused = await Assert.ThrowsAsync<RpcException>(() => nl.Clients.CreateClientAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Identity.Admin.Clients.GetClientAsync(new GetClientRequest { Name = $"clients/{request.ClientId}" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_agency_administrator_may_not_read_change_or_disable_a_client_of_the_other_agency()
    {
        var belgian = await Identity.RegisterAsync(NewClientId("be-owned"), [Be], [ArgusScopes.ArrestsRead], mutualTls: false, agency: "be");
        var name = $"clients/{belgian.ClientId}";
        using var nl = await AdministratorAsync("nl");

        var read = await Assert.ThrowsAsync<RpcException>(() => nl.Clients.GetClientAsync(new GetClientRequest { Name = name }).ResponseAsync);
        var update = await Assert.ThrowsAsync<RpcException>(() => nl.Clients.UpdateClientAsync(new UpdateClientRequest
        {
            Client = new Identity.V1.Client { Name = name, Scopes = { ArgusScopes.ArrestsRead, ArgusScopes.EvidenceRead } },
            UpdateMask = new FieldMask { Paths = { "scopes" } },
        }).ResponseAsync);
        var disable = await Assert.ThrowsAsync<RpcException>(() => nl.Clients.DisableClientAsync(new DisableClientRequest { Name = name }).ResponseAsync);
        var rotate = await Assert.ThrowsAsync<RpcException>(() => nl.Clients.RotateClientSecretAsync(new RotateClientSecretRequest { Name = name }).ResponseAsync);
        var delete = await Assert.ThrowsAsync<RpcException>(() => nl.Clients.DeleteClientAsync(new DeleteClientRequest { Name = name }).ResponseAsync);

        Assert.All(new[] { read, update, disable, rotate, delete }, e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Contains("does not act for agency nl", disable.Status.Detail, StringComparison.Ordinal);
        var unchanged = (await Identity.Admin.Clients.GetClientAsync(new GetClientRequest { Name = name })).Client;
        Assert.False(unchanged.Disabled);
        Assert.Equal([ArgusScopes.ArrestsRead], unchanged.Scopes);
    }

    [Fact]
    public async Task An_agency_administrator_lists_only_the_clients_of_its_agency_on_every_page()
    {
        var dutch = await Identity.RegisterAsync(NewClientId("nl-listed"), [Nl], [ArgusScopes.ArrestsRead], mutualTls: false, agency: "nl");
        var belgian = await Identity.RegisterAsync(NewClientId("be-unlisted"), [Be], [ArgusScopes.ArrestsRead], mutualTls: false, agency: "be");
        using var nl = await AdministratorAsync("nl");

        var all = (await nl.Clients.ListClientsAsync(new ListClientsRequest { PageSize = 1000 })).Clients;
        var paged = new List<Identity.V1.Client>();
        var token = "";
        do
        {
            var page = await nl.Clients.ListClientsAsync(new ListClientsRequest { PageSize = 1, PageToken = token });
            Assert.InRange(page.Clients.Count, 0, 1);
            paged.AddRange(page.Clients);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Contains(all, c => c.ClientId == dutch.ClientId);
        Assert.DoesNotContain(all, c => c.ClientId == belgian.ClientId);
        Assert.All(all, c => Assert.Equal("nl", c.Agency));
        Assert.Equal(all.Select(c => c.ClientId), paged.Select(c => c.ClientId));
        Assert.Contains((await Identity.Admin.Clients.ListClientsAsync(new ListClientsRequest { PageSize = 1000 })).Clients, c => c.ClientId == belgian.ClientId);
    }

    [Fact]
    public async Task An_agency_administrator_cannot_grant_argus_admin_jit()
    {
        using var nl = await AdministratorAsync("nl");
        var officerRequest = SecretClient("nl-officer", "nl", ArgusAudiences.Identity, ArgusScopes.Admin, ArgusScopes.AdminRead);
        officerRequest.Kind = ClientKind.Administrator;
        var officer = await nl.Clients.CreateClientAsync(officerRequest);
        var jitWide = SecretClient("nl-jit", "nl", ArgusAudiences.Identity, ArgusScopes.Admin, ArgusScopes.AdminJit);
        jitWide.Kind = ClientKind.Administrator;

        var create = await Assert.ThrowsAsync<RpcException>(() => nl.Clients.CreateClientAsync(jitWide).ResponseAsync);
        var update = await Assert.ThrowsAsync<RpcException>(() => nl.Clients.UpdateClientAsync(new UpdateClientRequest
        {
            Client = new Identity.V1.Client { Name = officer.Client.Name, Scopes = { ArgusScopes.Admin, ArgusScopes.AdminRead, ArgusScopes.AdminJit } },
            UpdateMask = new FieldMask { Paths = { "scopes" } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, create.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, update.StatusCode);
        Assert.DoesNotContain(ArgusScopes.AdminJit, (await nl.Clients.GetClientAsync(new GetClientRequest { Name = officer.Client.Name })).Client.Scopes);
    }

    [Fact]
    public async Task An_agency_administrator_reads_the_trail_of_its_own_agencys_clients_only()
    {
        var dutch = await Identity.RegisterAsync(NewClientId("nl-trail"), [Nl], [ArgusScopes.ArrestsRead], mutualTls: false, agency: "nl");
        var belgian = await Identity.RegisterAsync(NewClientId("be-trail"), [Be], [ArgusScopes.ArrestsRead], mutualTls: false, agency: "be");
        using var nl = await AdministratorAsync("nl");

        var own = await nl.Clients.ListAdminEventsAsync(new ListAdminEventsRequest { Target = $"clients/{dutch.ClientId}" });
        var other = await Assert.ThrowsAsync<RpcException>(() => nl.Clients.ListAdminEventsAsync(new ListAdminEventsRequest { Target = $"clients/{belgian.ClientId}" }).ResponseAsync);
        var everything = await Assert.ThrowsAsync<RpcException>(() => nl.Clients.ListAdminEventsAsync(new ListAdminEventsRequest()).ResponseAsync);

        Assert.Equal(["create"], own.Events.Select(e => e.Action));
        Assert.Equal(StatusCode.PermissionDenied, other.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, everything.StatusCode);
        Assert.Contains(ArgusScopes.AdminJit, everything.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_that_acts_for_no_agency_and_is_not_jit_wide_administers_nothing()
    {
        using var nobody = await AdministratorAsync("");

        var create = await Assert.ThrowsAsync<RpcException>(() => nobody.Clients.CreateClientAsync(SecretClient("by-nobody", "nl", Nl, ArgusScopes.ArrestsRead)).ResponseAsync);
        var createNone = await Assert.ThrowsAsync<RpcException>(() => nobody.Clients.CreateClientAsync(SecretClient("by-nobody", "", Nl, ArgusScopes.ArrestsRead)).ResponseAsync);
        var list = await Assert.ThrowsAsync<RpcException>(() => nobody.Clients.ListClientsAsync(new ListClientsRequest()).ResponseAsync);

        Assert.All(new[] { create, createNone, list }, e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Contains("acts for no agency", create.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(ArgusScopes.AdminJit, create.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_acts_for_no_agency_may_be_given_read_scopes_but_not_write_or_exchange()
    {
        var writer = await Assert.ThrowsAsync<RpcException>(() => Identity.Admin.Clients.CreateClientAsync(
            SecretClient("jit-writer", "", Nl, ArgusScopes.ArrestsRead, ArgusScopes.ArrestsWrite, ArgusScopes.Exchange)).ResponseAsync);
        var reader = await Identity.Admin.Clients.CreateClientAsync(SecretClient("jit-reader", "", Nl, ArgusScopes.ArrestsRead));
        var promoted = await Assert.ThrowsAsync<RpcException>(() => Identity.Admin.Clients.UpdateClientAsync(new UpdateClientRequest
        {
            Client = new Identity.V1.Client { Name = reader.Client.Name, Scopes = { ArgusScopes.ArrestsRead, ArgusScopes.ArrestsWrite } },
            UpdateMask = new FieldMask { Paths = { "scopes" } },
        }).ResponseAsync);

        Assert.Equal(["scopes", "scopes"], Records.ViolatedFields(writer));
        Assert.Equal("", reader.Client.Agency);
        Assert.Equal([ArgusScopes.ArrestsRead], reader.Client.Scopes);
        Assert.Equal(["scopes"], Records.ViolatedFields(promoted));
    }

    [Fact]
    public async Task The_bootstrap_administrator_is_jit_wide_and_creates_clients_of_both_agencies_and_of_none()
    {
        var bootstrap = (await Identity.Admin.Clients.GetClientAsync(new GetClientRequest { Name = "clients/argus-admin" })).Client;
        var dutch = await Identity.Admin.Clients.CreateClientAsync(SecretClient("boot-nl", "nl", Nl, ArgusScopes.ArrestsWrite));
        var belgian = await Identity.Admin.Clients.CreateClientAsync(SecretClient("boot-be", "be", Be, ArgusScopes.ArrestsWrite));
        var neither = await Identity.Admin.Clients.CreateClientAsync(SecretClient("boot-none", "", Nl, ArgusScopes.ArrestsRead));

        Assert.Contains(ArgusScopes.AdminJit, bootstrap.Scopes);
        Assert.Equal("nl", dutch.Client.Agency);
        Assert.Equal("be", belgian.Client.Agency);
        Assert.Equal("", neither.Client.Agency);
    }

    [Fact]
    public async Task A_bootstrap_administrator_from_before_argus_admin_jit_gets_it_at_startup_in_the_trail()
    {
        await using var first = await RunningIdentity.StartAsync();
        // As data from before this scope existed: the bootstrap administrator without it.
        await first.Admin.Clients.UpdateClientAsync(new UpdateClientRequest
        {
            Client = new Identity.V1.Client { Name = "clients/argus-admin", Scopes = { ArgusScopes.Admin, ArgusScopes.AdminRead } },
            UpdateMask = new FieldMask { Paths = { "scopes" } },
        });

        // A second server on the same data: the start-up an upgrade would be.
        await using var second = await RunningIdentity.StartAsync(Hosting.Persistence.DatabaseProvider.Sqlite, $"--Argus:DataDirectory={first.DataDirectory}");
        var admin = (await second.Admin.Clients.GetClientAsync(new GetClientRequest { Name = "clients/argus-admin" })).Client;
        var events = (await second.Admin.Clients.ListAdminEventsAsync(new ListAdminEventsRequest { Target = "clients/argus-admin" })).Events;

        Assert.Equal([ArgusScopes.Admin, ArgusScopes.AdminJit, ArgusScopes.AdminRead], admin.Scopes.Order(StringComparer.Ordinal));
        var upgrade = events[0];
        Assert.Equal(("system", "update"), (upgrade.Actor, upgrade.Action));
        Assert.Contains(ArgusScopes.AdminJit, upgrade.AfterJson, StringComparison.Ordinal);
        Assert.DoesNotContain(ArgusScopes.AdminJit, upgrade.BeforeJson, StringComparison.Ordinal);
    }

    /// <summary>An administrator registered by the bootstrap one: argus.admin and argus.admin.read, acting for <paramref name="agency"/> ("" for none).</summary>
    private async Task<Administrator> AdministratorAsync(string agency)
    {
        var credentials = await Identity.RegisterAsync(NewClientId($"admin-{(agency.Length > 0 ? agency : "none")}"), [ArgusAudiences.Identity],
            [ArgusScopes.Admin, ArgusScopes.AdminRead], mutualTls: false, ClientKind.Administrator, agency: agency);
        return new Administrator(Identity.Issuer, credentials);
    }

    private static CreateClientRequest SecretClient(string what, string agency, string audience, params string[] scopes)
    {
        var request = new CreateClientRequest
        {
            ClientId = NewClientId(what),
            Kind = ClientKind.PartnerSystem,
            AuthenticationMethod = AuthenticationMethod.ClientSecret,
            Agency = agency,
            Audiences = { audience },
        };
        request.Scopes.AddRange(scopes);
        return request;
    }

    private sealed class Administrator : IDisposable
    {
        private readonly AccessTokenSource tokens;
        private readonly IdentityAdminClient admin;

        public Administrator(Uri issuer, ClientCredentials credentials)
        {
            tokens = new AccessTokenSource(credentials);
            admin = new IdentityAdminClient(issuer, tokens, credentials);
        }

        public ClientAdminService.ClientAdminServiceClient Clients => admin.Clients;

        public void Dispose()
        {
            admin.Dispose();
            tokens.Dispose();
        }
    }
}
