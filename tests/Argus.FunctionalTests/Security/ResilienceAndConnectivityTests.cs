using Argus.Arrests.V1;
using Argus.Belgium;
using Argus.Client.Security;
using Argus.Common.V1;
using Argus.Connectivity.V1;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Testing;

namespace Argus.FunctionalTests.Security;

/// <summary>Services keep validating tokens while the identity server is down; agencies check their link to each other.</summary>
public sealed class ResilienceAndConnectivityTests
{
    [Fact]
    public async Task A_service_keeps_accepting_valid_tokens_while_the_identity_server_is_down()
    {
        var identity = await RunningIdentity.StartAsync();
        var caller = await identity.RegisterAsync("resilience-reader", [ArgusAudiences.Agency("nl")], [ArgusScopes.ArrestsRead]);
        await using var nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, caller);
        var missing = new GetArrestRequest { Name = "operations/argus/arrests/none" };
        var before = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => nl.Client.Arrests.GetArrestAsync(missing).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, before.StatusCode); // authenticated, keys fetched and cached

        // A token the service has never seen, so it cannot come from the validated-token cache: it is
        // checked against the signing keys the service fetched before, and nothing else.
        using var fresh = new AccessTokenSource(caller);
        await fresh.GetTokenAsync(ArgusAudiences.Agency("nl"));
        using var unseen = nl.ClientFor(caller, fresh);
        await identity.DisposeAsync();

        var during = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => unseen.Arrests.GetArrestAsync(missing).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, during.StatusCode); // still authenticated: not Unauthenticated or Unavailable
    }

    [Fact]
    public async Task The_dutch_service_checks_its_link_to_belgium_with_its_own_credentials()
    {
        await using var identity = await RunningIdentity.StartAsync();
        var operatorClient = await identity.RegisterAsync("connectivity-operator", [ArgusAudiences.Agency("nl")], [ArgusScopes.AdminRead]);
        var (_, dutchService) = await identity.RegisterAgencyServiceAsync("argus-nl", "nl", [ArgusAudiences.Agency("be")], [ArgusScopes.Exchange]);
        await using var be = await RunningAgency.StartAsync(new BelgianJurisdiction(), DatabaseProvider.Sqlite, identity);
        await using var nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, operatorClient,
            own: dutchService, partners: new Dictionary<string, Uri> { ["Be"] = be.Address });

        var check = await nl.Client.Connectivity.CheckPartnerAsync(new CheckPartnerRequest { Partner = AgencyCode.Be });

        Assert.True(check.Reachable, check.Error);
        Assert.Equal("argus-nl", check.SeenAs.ClientId);
        Assert.Equal("nl", check.SeenAs.ClientAgency);
        Assert.Equal(AgencyCode.Be, check.SeenAs.Agency);
        Assert.Contains(ArgusScopes.Exchange, check.SeenAs.Scopes);
        Assert.NotEmpty(check.SeenAs.CertificateThumbprint);
        Assert.True(check.Latency.ToTimeSpan() > TimeSpan.Zero);
    }

    [Fact]
    public async Task An_unreachable_partner_is_reported_not_thrown()
    {
        await using var identity = await RunningIdentity.StartAsync();
        var operatorClient = await identity.RegisterAsync("connectivity-operator2", [ArgusAudiences.Agency("nl")], [ArgusScopes.AdminRead]);
        var dutchCertificate = TestPki.IssueClientCertificate("argus-nl");
        await using var nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.Sqlite, identity, operatorClient,
            own: ("argus-nl", dutchCertificate.Certificate, dutchCertificate.Key),
            partners: new Dictionary<string, Uri> { ["Be"] = new($"https://127.0.0.1:{TestPki.FreePort()}") });

        var check = await nl.Client.Connectivity.CheckPartnerAsync(new CheckPartnerRequest { Partner = AgencyCode.Be });

        Assert.False(check.Reachable);
        Assert.NotEmpty(check.Error);
    }
}
