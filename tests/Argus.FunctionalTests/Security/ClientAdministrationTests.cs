using Argus.Client.Security;
using Argus.Identity.V1;
using Argus.Testing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Argus.FunctionalTests.Security;

/// <summary>An identity server whose rotated-out secrets stay valid for two seconds only.</summary>
public sealed class ShortGraceIdentity : IAsyncLifetime
{
    public RunningIdentity Identity { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Identity = await RunningIdentity.StartAsync(Hosting.Persistence.DatabaseProvider.Sqlite, "--Identity:SecretRotationGracePeriod=00:00:02");

    public async Task DisposeAsync() => await Identity.DisposeAsync();
}

/// <summary>The admin API: secrets shown once, rotation with grace, revocation, certificates, the trail.</summary>
public sealed class ClientAdministrationTests(ShortGraceIdentity fixture) : IClassFixture<ShortGraceIdentity>
{
    private static readonly string Nl = ArgusAudiences.Agency("nl");

    private RunningIdentity Identity => fixture.Identity;

    private static string NewClientId(string what) => $"{what}-{Guid.NewGuid():N}"[..30];

    [Fact]
    public async Task A_secret_is_shown_once_and_never_read_back()
    {
        var credentials = await Identity.RegisterAsync(NewClientId("secret"), [Nl], [ArgusScopes.ArrestsRead], mutualTls: false);
        Assert.False(string.IsNullOrEmpty(credentials.ClientSecret));

        var read = await Identity.Admin.Clients.GetClientAsync(new GetClientRequest { Name = $"clients/{credentials.ClientId}" });
        var listed = await Identity.Admin.Clients.ListClientsAsync(new ListClientsRequest { PageSize = 1000 });
        var events = await Identity.Admin.Clients.ListAdminEventsAsync(new ListAdminEventsRequest { Target = $"clients/{credentials.ClientId}" });

        Assert.DoesNotContain(credentials.ClientSecret!, JsonFormatter.Default.Format(read));
        Assert.DoesNotContain(credentials.ClientSecret!, JsonFormatter.Default.Format(listed));
        Assert.DoesNotContain(credentials.ClientSecret!, JsonFormatter.Default.Format(events));
        Assert.Contains(listed.Clients, c => c.ClientId == credentials.ClientId);
    }

    [Fact]
    public async Task A_rotated_secret_works_through_the_grace_period_and_then_stops()
    {
        var original = await Identity.RegisterAsync(NewClientId("rotate"), [Nl], [ArgusScopes.ArrestsRead], mutualTls: false);
        var rotated = await Identity.Admin.Clients.RotateClientSecretAsync(new RotateClientSecretRequest { Name = $"clients/{original.ClientId}" });
        var renewed = WithSecret(original, rotated.ClientSecret);

        Assert.NotEqual(original.ClientSecret, rotated.ClientSecret);
        Assert.NotNull(rotated.Client.PreviousSecretExpireTime);
        Assert.True(await GetsTokenAsync(original), "the old secret stopped before the grace period ended");
        Assert.True(await GetsTokenAsync(renewed));

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(await GetsTokenAsync(original), "the old secret still works after the grace period");
        Assert.True(await GetsTokenAsync(renewed));
    }

    [Fact]
    public async Task A_disabled_client_gets_no_token_until_enabled_and_a_deleted_one_never()
    {
        var client = await Identity.RegisterAsync(NewClientId("disable"), [Nl], [ArgusScopes.ArrestsRead]);
        var name = $"clients/{client.ClientId}";
        Assert.True(await GetsTokenAsync(client));

        Assert.True((await Identity.Admin.Clients.DisableClientAsync(new DisableClientRequest { Name = name })).Client.Disabled);
        Assert.False(await GetsTokenAsync(client));

        Assert.False((await Identity.Admin.Clients.EnableClientAsync(new EnableClientRequest { Name = name })).Client.Disabled);
        Assert.True(await GetsTokenAsync(client));

        await Identity.Admin.Clients.DeleteClientAsync(new DeleteClientRequest { Name = name });
        Assert.False(await GetsTokenAsync(client));
        var gone = await Assert.ThrowsAsync<RpcException>(() => Identity.Admin.Clients.GetClientAsync(new GetClientRequest { Name = name }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_new_certificate_works_once_added_and_an_old_one_stops_once_removed()
    {
        var client = await Identity.RegisterAsync(NewClientId("certs"), [Nl], [ArgusScopes.ArrestsRead]);
        var name = $"clients/{client.ClientId}";
        var (certificatePath, keyPath) = TestPki.IssueClientCertificate(client.ClientId);
        var successor = WithCertificate(client, ClientCredentials.LoadCertificate(certificatePath, keyPath));
        Assert.False(await GetsTokenAsync(successor), "an unregistered certificate authenticated");

        var added = await Identity.Admin.Clients.AddClientCertificateAsync(new AddClientCertificateRequest { Name = name, CertificatePem = await File.ReadAllTextAsync(certificatePath) });
        Assert.Equal(2, added.Client.Certificates.Count);
        Assert.True(await GetsTokenAsync(successor));

        var oldThumbprint = added.Client.Certificates.Single(c => c.Sha256Thumbprint != Thumbprint(successor)).Sha256Thumbprint;
        await Identity.Admin.Clients.RemoveClientCertificateAsync(new RemoveClientCertificateRequest { Name = name, Sha256Thumbprint = oldThumbprint });
        Assert.False(await GetsTokenAsync(client), "a removed certificate still authenticated");
        Assert.True(await GetsTokenAsync(successor));

        var last = await Assert.ThrowsAsync<RpcException>(() => Identity.Admin.Clients.RemoveClientCertificateAsync(
            new RemoveClientCertificateRequest { Name = name, Sha256Thumbprint = Thumbprint(successor) }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, last.StatusCode);
    }

    [Fact]
    public async Task Scopes_and_audiences_can_be_changed_and_take_effect_on_the_next_token()
    {
        var client = await Identity.RegisterAsync(NewClientId("update"), [Nl], [ArgusScopes.ArrestsRead], mutualTls: false);
        var name = $"clients/{client.ClientId}";

        var updated = await Identity.Admin.Clients.UpdateClientAsync(new UpdateClientRequest
        {
            Client = new Identity.V1.Client { Name = name, Scopes = { ArgusScopes.EvidenceRead, ArgusScopes.ArrestsRead } },
            UpdateMask = new FieldMask { Paths = { "scopes" } },
        });

        Assert.Equal([ArgusScopes.ArrestsRead, ArgusScopes.EvidenceRead], updated.Client.Scopes);
        using var tokens = new AccessTokenSource(client);
        var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode((await tokens.GetTokenAsync(Nl)).Split('.')[1]);
        Assert.Contains(ArgusScopes.EvidenceRead, payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_registrations_name_their_fields()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Identity.Admin.Clients.CreateClientAsync(new CreateClientRequest
        {
            ClientId = "Not Valid!",
            Kind = ClientKind.PartnerSystem,
            AuthenticationMethod = AuthenticationMethod.MutualTls,
            Audiences = { "urn:argus:agency:fr" },
            Scopes = { "argus.everything" },
        }).ResponseAsync);

        Assert.Equal(["audiences", "certificates_pem", "client_id", "scopes"], Records.ViolatedFields(refused).Order());
    }

    [Fact]
    public async Task An_agency_service_must_say_which_agency_it_acts_for_and_its_tokens_say_it_too()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() => Identity.Admin.Clients.CreateClientAsync(new CreateClientRequest
        {
            ClientId = NewClientId("agency"),
            Kind = ClientKind.AgencyService,
            AuthenticationMethod = AuthenticationMethod.ClientSecret,
            Audiences = { Nl },
            Scopes = { ArgusScopes.Exchange },
        }).ResponseAsync);
        Assert.Equal(["agency"], Records.ViolatedFields(missing));

        var created = await Identity.Admin.Clients.CreateClientAsync(new CreateClientRequest
        {
            ClientId = NewClientId("agency"),
            Kind = ClientKind.AgencyService,
            Agency = "be",
            AuthenticationMethod = AuthenticationMethod.ClientSecret,
            Audiences = { Nl },
            Scopes = { ArgusScopes.Exchange },
        });
        Assert.Equal("be", created.Client.Agency);
        using var tokens = new AccessTokenSource(new ClientCredentials
        {
            TokenEndpoint = Identity.TokenEndpoint,
            ClientId = created.Client.ClientId,
            ClientSecret = created.ClientSecret,
            CaCertificate = RunningIdentity.CaCertificate,
        });
        var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode((await tokens.GetTokenAsync(Nl)).Split('.')[1]);
        Assert.Contains("\"argus_agency\":\"be\"", payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Observers_may_read_but_not_change_and_partners_may_do_neither()
    {
        // An observer of the Dutch agency: an administrator that acts for no agency and is not JIT-wide administers nothing.
        var observer = await Identity.RegisterAsync(NewClientId("observer"), [ArgusAudiences.Identity], [ArgusScopes.AdminRead], mutualTls: false, ClientKind.Administrator,
            agency: "nl");
        using var tokens = new AccessTokenSource(observer);
        using var admin = new Argus.Client.IdentityAdminClient(Identity.Issuer, tokens, observer);

        Assert.NotEmpty((await admin.Clients.ListClientsAsync(new ListClientsRequest())).Clients);
        var change = await Assert.ThrowsAsync<RpcException>(() => admin.Clients.DisableClientAsync(new DisableClientRequest { Name = $"clients/{observer.ClientId}" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, change.StatusCode);

        var partner = await Identity.RegisterAsync(NewClientId("partner"), [Nl], [ArgusScopes.ArrestsRead], mutualTls: false);
        using var partnerTokens = new AccessTokenSource(partner);
        using var partnerAdmin = new Argus.Client.IdentityAdminClient(Identity.Issuer, partnerTokens, partner);
        var read = await Assert.ThrowsAsync<RpcException>(() => partnerAdmin.Clients.ListClientsAsync(new ListClientsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, read.StatusCode); // no token for the identity audience at all
    }

    [Fact]
    public async Task Every_change_is_in_the_trail_with_actor_and_before_and_after()
    {
        var client = await Identity.RegisterAsync(NewClientId("trail"), [Nl], [ArgusScopes.ArrestsRead], mutualTls: false);
        var name = $"clients/{client.ClientId}";
        await Identity.Admin.Clients.DisableClientAsync(new DisableClientRequest { Name = name });
        await Identity.Admin.Clients.RotateClientSecretAsync(new RotateClientSecretRequest { Name = name });

        var events = (await Identity.Admin.Clients.ListAdminEventsAsync(new ListAdminEventsRequest { Target = name })).Events;

        Assert.Equal(["rotate-secret", "disable", "create"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("argus-admin", e.Actor));
        var disable = events.Single(e => e.Action == "disable");
        Assert.Contains("\"disabled\":false", disable.BeforeJson, StringComparison.Ordinal);
        Assert.Contains("\"disabled\":true", disable.AfterJson, StringComparison.Ordinal);
        Assert.Empty(events.Single(e => e.Action == "create").BeforeJson);
    }

    private static async Task<bool> GetsTokenAsync(ClientCredentials credentials)
    {
        using var tokens = new AccessTokenSource(credentials);
        try
        {
            await tokens.GetTokenAsync(Nl);
            return true;
        }
        catch (TokenRequestException)
        {
            return false;
        }
    }

    private static ClientCredentials WithSecret(ClientCredentials credentials, string secret) => new()
    {
        TokenEndpoint = credentials.TokenEndpoint,
        ClientId = credentials.ClientId,
        ClientSecret = secret,
        CaCertificate = credentials.CaCertificate,
    };

    private static ClientCredentials WithCertificate(ClientCredentials credentials, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) => new()
    {
        TokenEndpoint = credentials.TokenEndpoint,
        ClientId = credentials.ClientId,
        Certificate = certificate,
        CaCertificate = credentials.CaCertificate,
    };

    private static string Thumbprint(ClientCredentials credentials) =>
        Convert.ToHexString(credentials.Certificate!.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));
}
