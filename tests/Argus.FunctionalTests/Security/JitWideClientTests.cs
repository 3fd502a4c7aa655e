using Argus.Arrests.V1;
using Argus.Client;
using Argus.Client.Security;
using Argus.Common.V1;
using Argus.Exchange.V1;
using Argus.Operations.V1;
using Grpc.Core;

namespace Argus.FunctionalTests.Security;

/// <summary>
/// A client that acts for no agency (a JIT-wide tool) gets what it was granted and never an
/// owner's rights: even with write scopes in its token, it records, changes and shares nothing,
/// and it states why it reads.
/// </summary>
public sealed class JitWideClientTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private static readonly Metadata Justified = Justification.Of("Overview for the JIT steering group");

    // The identity server gives a client of no agency read scopes only, unless it is an
    // administrator; this one is, so its token carries write scopes and only the agency service
    // stands between it and the records.
    private async Task<AgencyClient> JitWideAsync(string id)
    {
        var tool = await fixture.Identity.RegisterAsync(id, [ArgusAudiences.Agency("nl")], [.. AgencyFixture.RecordScopes, ArgusScopes.Exchange],
            kind: Identity.V1.ClientKind.Administrator, agency: "");
        return fixture.Netherlands.ClientFor(tool, new AccessTokenSource(tool));
    }

    [Fact]
    public async Task A_client_of_no_agency_with_write_scopes_records_nothing()
    {
        using var jit = await JitWideAsync("jit-writer");

        var create = await Assert.ThrowsAsync<RpcException>(() =>
            jit.Operations.CreateOperationAsync(new CreateOperationRequest { OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21") }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, create.StatusCode);
        Assert.Contains("acts for no agency", create.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_of_no_agency_shares_nothing()
    {
        using var jit = await JitWideAsync("jit-sharer");
        var operation = fixture.ArrestName[..fixture.ArrestName.IndexOf("/arrests/", StringComparison.Ordinal)];

        var share = await Assert.ThrowsAsync<RpcException>(() => jit.Exchange.ShareRecordAsync(new ShareRecordRequest
        {
            Share = new Share { Record = operation, Recipient = AgencyCode.Be, Handling = new Handling { Code = HandlingCode.H2 }, Purpose = "JIT" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, share.StatusCode);
    }

    [Fact]
    public async Task A_client_of_no_agency_reads_with_a_justification_and_not_without()
    {
        using var jit = await JitWideAsync("jit-reader");

        var read = await jit.Arrests.GetArrestAsync(new GetArrestRequest { Name = fixture.ArrestName }, Justified);
        var unjustified = await Assert.ThrowsAsync<RpcException>(() => jit.Arrests.GetArrestAsync(new GetArrestRequest { Name = fixture.ArrestName }).ResponseAsync);

        Assert.Equal(fixture.ArrestName, read.Arrest.Name);
        Assert.Equal(["x-argus-justification"], Records.ViolatedFields(unjustified));
    }
}
