using Argus.Arrests.V1;
using Argus.Client;
using Argus.Client.Security;
using Argus.Common.V1;
using Argus.Exchange.V1;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Operations.V1;
using Argus.Testing;
using Grpc.Core;

namespace Argus.FunctionalTests.Security;

/// <summary>The owner shares with Belgium; Belgium reads exactly what is shared, justified, while it is shared.</summary>
public abstract class SharingTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly Metadata Justified = new() { { "x-argus-justification", "Identifying suspects for the Antwerp searches" } };
    private RunningIdentity identity = null!;
    private RunningAgency nl = null!;
    private AgencyClient belgium = null!;

    public async Task InitializeAsync()
    {
        identity = await RunningIdentity.StartAsync();
        var owner = await identity.RegisterAsync("sharing-owner", [ArgusAudiences.Agency("nl")], [.. AgencyFixture.RecordScopes, ArgusScopes.Exchange], agency: "nl");
        var partner = await identity.RegisterAsync("sharing-partner", [ArgusAudiences.Agency("nl")], [.. AgencyFixture.RecordScopes, ArgusScopes.Exchange],
            kind: Identity.V1.ClientKind.AgencyService, agency: "be");
        nl = await RunningAgency.StartAsync(new DutchJurisdiction(), provider, identity, owner);
        belgium = nl.ClientFor(partner, new AccessTokenSource(partner));
    }

    public async Task DisposeAsync()
    {
        belgium.Dispose();
        await nl.DisposeAsync();
        await identity.DisposeAsync();
    }

    [Fact]
    public async Task A_shared_arrest_is_readable_by_the_partner_and_its_sibling_is_not()
    {
        var (operation, shared, sibling) = await TwoArrestsAsync();

        await ShareAsync(shared, HandlingCode.H2);

        Assert.Equal(shared, (await belgium.Arrests.GetArrestAsync(new GetArrestRequest { Name = shared }, Justified)).Arrest.Name);
        var hidden = await Assert.ThrowsAsync<RpcException>(() => belgium.Arrests.GetArrestAsync(new GetArrestRequest { Name = sibling }, Justified).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);
        var listed = await belgium.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = operation }, Justified);
        Assert.Equal([shared], listed.Arrests.Select(a => a.Name));
        var notTheOperation = await Assert.ThrowsAsync<RpcException>(() => belgium.Operations.GetOperationAsync(new GetOperationRequest { Name = operation }, Justified).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notTheOperation.StatusCode);
    }

    [Fact]
    public async Task Sharing_an_operation_shares_all_its_records_until_revoked()
    {
        var (operation, first, second) = await TwoArrestsAsync();

        var share = await ShareAsync(operation, HandlingCode.H0);

        var listed = await belgium.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = operation }, Justified);
        Assert.Equal([first, second], listed.Arrests.Select(a => a.Name));
        Assert.Contains(operation, (await belgium.Operations.ListOperationsAsync(new ListOperationsRequest(), Justified)).Operations.Select(o => o.Name));

        var revoked = await nl.Client.Exchange.RevokeShareAsync(new RevokeShareRequest { Name = share.Name });
        Assert.NotNull(revoked.Share.RevokeTime);
        var gone = await Assert.ThrowsAsync<RpcException>(() => belgium.Arrests.GetArrestAsync(new GetArrestRequest { Name = first }, Justified).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Empty((await belgium.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = operation }, Justified)).Arrests);
    }

    [Fact]
    public async Task The_partner_may_not_pass_records_on_nor_see_the_shares()
    {
        var (operation, shared, _) = await TwoArrestsAsync();
        await ShareAsync(shared, HandlingCode.H2);

        var onward = await Assert.ThrowsAsync<RpcException>(() => belgium.Exchange.ShareRecordAsync(new ShareRecordRequest
        {
            Share = new Share { Record = shared, Recipient = AgencyCode.Nl, Handling = new Handling { Code = HandlingCode.H2 }, Purpose = "onward" },
        }).ResponseAsync);
        var list = await Assert.ThrowsAsync<RpcException>(() => belgium.Exchange.ListSharesAsync(new ListSharesRequest { Parent = operation }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, onward.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, list.StatusCode);
    }

    [Fact]
    public async Task An_improper_share_names_its_fields()
    {
        var (_, shared, _) = await TwoArrestsAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => nl.Client.Exchange.ShareRecordAsync(new ShareRecordRequest
        {
            Share = new Share { Record = shared, Recipient = AgencyCode.Nl, Handling = new Handling { Code = HandlingCode.H3 } },
        }).ResponseAsync);

        Assert.Equal(["share.handling.restrictions", "share.purpose", "share.recipient"], Records.ViolatedFields(refused).Order());
    }

    [Fact]
    public async Task A_partner_catches_up_from_its_cursor_with_what_was_shared_and_nothing_else()
    {
        var (operation, first, _) = await TwoArrestsAsync();
        var (_, elsewhere, _) = await TwoArrestsAsync();
        await ShareAsync(operation, HandlingCode.H2);
        var start = await SyncAsync(0);
        var cursor = start.Count > 0 ? start[^1].Cursor : 0;

        var later = (await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest.Name;
        var caughtUp = await SyncAsync(cursor);

        Assert.Contains(start, e => e.Event == "argus.record-shared" && e.Record == operation && e.HandlingCode == HandlingCode.H2);
        Assert.DoesNotContain(start.Concat(caughtUp), e => e.Record == elsewhere || e.Record == first); // created before the share
        Assert.Equal([("argus.arrest-recorded", later)], caughtUp.Select(e => (e.Event, e.Record)));
        Assert.Empty(await SyncAsync(caughtUp[^1].Cursor));
        Assert.True(caughtUp[0].Cursor > cursor);
    }

    [Fact]
    public async Task A_partners_sync_cursors_count_its_own_events_only()
    {
        // Much happens here that is not shared: the partner's cursors must not show how much.
        for (var i = 0; i < 3; i++)
        {
            await TwoArrestsAsync();
        }

        var (operation, _, _) = await TwoArrestsAsync();
        await ShareAsync(operation, HandlingCode.H2);
        await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) });
        await TwoArrestsAsync();
        await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) });

        var events = await SyncAsync(0);

        Assert.Equal(["argus.record-shared", "argus.arrest-recorded", "argus.arrest-recorded"], events.Select(e => e.Event));
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Cursor));
        Assert.Equal([3L], (await SyncAsync(2)).Select(e => e.Cursor));
    }

    private async Task<List<SyncResponse>> SyncAsync(long after)
    {
        using var call = belgium.Exchange.Sync(new SyncRequest { AfterCursor = after });
        var events = new List<SyncResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            events.Add(call.ResponseStream.Current);
        }

        return events;
    }

    private async Task<Share> ShareAsync(string record, HandlingCode code) =>
        (await nl.Client.Exchange.ShareRecordAsync(new ShareRecordRequest
        {
            Share = new Share { Record = record, Recipient = AgencyCode.Be, Handling = new Handling { Code = code }, Purpose = "Joint investigation Argus" },
        })).Share;

    private async Task<(string Operation, string First, string Second)> TwoArrestsAsync()
    {
        var operation = (await nl.Client.Operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
        var first = (await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest.Name;
        var second = (await nl.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest.Name;
        return (operation, first, second);
    }
}

[Trait("Database", "Sqlite")]
public sealed class SharingOnSqlite() : SharingTests(DatabaseProvider.Sqlite);

[Trait("Database", "PostgreSql")]
public sealed class SharingOnPostgres() : SharingTests(DatabaseProvider.PostgreSql);
