using Argus.Arrests.V1;
using Argus.Client.Security;
using Argus.Operations.V1;
using Grpc.Core;

namespace Argus.FunctionalTests.Security;

/// <summary>
/// A partner agency (Belgium calling the Dutch service) changes nothing, justifies every
/// consultation, and cannot tell an unshared record from one that does not exist.
/// </summary>
public sealed class PartnerAccessTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private static readonly Metadata Justified = new() { { "x-argus-justification", "Preparing the joint hearing in Antwerp" } };

    private async Task<Client.AgencyClient> BelgiumAsync(string id)
    {
        var partner = await fixture.Identity.RegisterAsync(id, [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes,
            kind: Identity.V1.ClientKind.AgencyService, agency: "be");
        return fixture.Netherlands.ClientFor(partner, new AccessTokenSource(partner));
    }

    [Fact]
    public async Task An_unshared_record_is_not_found_exactly_like_a_missing_one()
    {
        using var belgium = await BelgiumAsync("partner-reader");
        var missingName = fixture.ArrestName[..fixture.ArrestName.LastIndexOf('/')] + "/0190f1c2-aaaa-7bbb-8ccc-123456789abc";

        var unshared = await Assert.ThrowsAsync<RpcException>(() => belgium.Arrests.GetArrestAsync(new GetArrestRequest { Name = fixture.ArrestName }, Justified).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => belgium.Arrests.GetArrestAsync(new GetArrestRequest { Name = missingName }, Justified).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, unshared.StatusCode);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal(unshared.Status.Detail.Replace(fixture.ArrestName, "X", StringComparison.Ordinal), missing.Status.Detail.Replace(missingName, "X", StringComparison.Ordinal));
        var listed = await belgium.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = "operations/-" }, Justified);
        Assert.Empty(listed.Arrests);
        Assert.Empty(listed.NextPageToken);
    }

    [Fact]
    public async Task A_partner_must_justify_each_consultation()
    {
        using var belgium = await BelgiumAsync("partner-unjustified");

        var refused = await Assert.ThrowsAsync<RpcException>(() => belgium.Arrests.GetArrestAsync(new GetArrestRequest { Name = fixture.ArrestName }).ResponseAsync);

        Assert.Equal(["x-argus-justification"], Records.ViolatedFields(refused));
    }

    [Fact]
    public async Task A_partner_changes_nothing_whatever_it_sends()
    {
        using var belgium = await BelgiumAsync("partner-writer");

        var create = await Assert.ThrowsAsync<RpcException>(() =>
            belgium.Operations.CreateOperationAsync(new CreateOperationRequest { OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21") }).ResponseAsync);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => belgium.Arrests.UpdateArrestAsync(new UpdateArrestRequest { Arrest = new Arrest { Name = "nonsense" } }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, create.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, invalid.StatusCode);
    }

    [Fact]
    public async Task The_owners_own_callers_still_see_everything()
    {
        var read = await fixture.Netherlands.Client.Arrests.GetArrestAsync(new GetArrestRequest { Name = fixture.ArrestName });
        Assert.Equal(fixture.ArrestName, read.Arrest.Name);
    }
}
