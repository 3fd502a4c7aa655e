using Argus.Arrests.V1;
using Argus.Common.V1;
using Argus.Hosting.Persistence;
using Argus.Lookup.V1;
using Argus.Testing;
using Grpc.Core;

namespace Argus.FunctionalTests;

/// <summary>
/// Hit/no-hit: Belgium learns only whether the Netherlands holds something, and sees the details
/// once a Dutch officer approves the follow-up — then they arrive in Belgium's replica.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class LookupTests
{
    private static readonly CommunicationIdentifier Handle = new() { Type = CommunicationType.SkyEcc, Value = "SKY-4X9K2M" };

    [Fact]
    public async Task A_hit_reveals_nothing_until_the_owner_approves_the_follow_up()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        var arrest = await UnsharedArrestAsync(exchange);
        var belgium = exchange.BelgiumAtNetherlands;

        var hit = await belgium.Lookup.LookupAsync(new LookupRequest { Handle = Handle }, ExchangeFixture.Justified);
        var miss = await belgium.Lookup.LookupAsync(new LookupRequest { Handle = new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = "SKY-NOBODY" } }, ExchangeFixture.Justified);
        var byPerson = await belgium.Lookup.LookupAsync(new LookupRequest
        {
            Person = new NameAndBirthDate { GivenNames = "JEROEN", FamilyName = "de Vriés", DateOfBirth = new CalendarDate { Year = 1985, Month = 7, Day = 15 } },
        }, ExchangeFixture.Justified);

        Assert.True(hit.Hit);
        Assert.StartsWith("lookups/", hit.Reference);
        Assert.DoesNotContain(arrest.Name.Split('/')[^1], hit.Reference);
        Assert.False(miss.Hit);
        Assert.Empty(miss.Reference);
        Assert.True(byPerson.Hit);
        var hidden = await Assert.ThrowsAsync<RpcException>(() => belgium.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name }, ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);

        var followUp = (await belgium.Lookup.CreateFollowUpAsync(new CreateFollowUpRequest
        {
            Parent = hit.Reference,
            FollowUp = new FollowUp { Purpose = "Sky ECC user seen in Antwerp port messages" },
        }, ExchangeFixture.Justified)).FollowUp;
        Assert.Equal(FollowUpState.Pending, followUp.State);
        var pending = await exchange.Netherlands.Client.Lookup.ListFollowUpsAsync(new ListFollowUpsRequest { State = FollowUpState.Pending });
        Assert.Contains(pending.FollowUps, f => f.Name == followUp.Name && f.Requester == AgencyCode.Be);

        var decided = (await exchange.Netherlands.Client.Lookup.DecideFollowUpAsync(new DecideFollowUpRequest
        {
            Name = followUp.Name, Approve = true, Reason = "Same suspect in JIT Argus", Handling = new Handling { Code = HandlingCode.H2 },
        })).FollowUp;
        Assert.Equal(FollowUpState.Approved, decided.State);
        Assert.Single(decided.Shares);

        Assert.Equal(arrest.Name, (await belgium.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name }, ExchangeFixture.Justified)).Arrest.Name);
        var copies = await exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == arrest.Name), TimeSpan.FromSeconds(30));
        Assert.Equal(HandlingCode.H2, copies.Single(c => c.Record == arrest.Name).HandlingCode);
        var again = await Assert.ThrowsAsync<RpcException>(() => exchange.Netherlands.Client.Lookup.DecideFollowUpAsync(new DecideFollowUpRequest
        {
            Name = followUp.Name, Approve = false, Reason = "Second thoughts",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task A_refused_follow_up_discloses_nothing_and_lookups_are_for_partners_justified()
    {
        await using var exchange = await ExchangeFixture.StartAsync(startBelgium: false);
        var arrest = await UnsharedArrestAsync(exchange);
        var belgium = exchange.BelgiumAtNetherlands;
        var hit = await belgium.Lookup.LookupAsync(new LookupRequest { NationalIdentifier = new NationalIdentifier { Country = "NL", Value = "111222333" } }, ExchangeFixture.Justified);
        Assert.True(hit.Hit);
        var followUp = (await belgium.Lookup.CreateFollowUpAsync(new CreateFollowUpRequest { Parent = hit.Reference, FollowUp = new FollowUp { Purpose = "Check" } }, ExchangeFixture.Justified)).FollowUp;

        var refused = (await exchange.Netherlands.Client.Lookup.DecideFollowUpAsync(new DecideFollowUpRequest { Name = followUp.Name, Approve = false, Reason = "Ongoing covert phase" })).FollowUp;

        Assert.Equal(FollowUpState.Refused, refused.State);
        Assert.Empty(refused.Shares);
        Assert.Equal(FollowUpState.Refused, (await belgium.Lookup.GetFollowUpAsync(new GetFollowUpRequest { Name = followUp.Name }, ExchangeFixture.Justified)).FollowUp.State);
        var hidden = await Assert.ThrowsAsync<RpcException>(() => belgium.Arrests.GetArrestAsync(new GetArrestRequest { Name = arrest.Name }, ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);

        var unjustified = await Assert.ThrowsAsync<RpcException>(() => belgium.Lookup.LookupAsync(new LookupRequest { Handle = Handle }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unjustified.StatusCode);
        var empty = await Assert.ThrowsAsync<RpcException>(() => belgium.Lookup.LookupAsync(new LookupRequest(), ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        var badBsn = await Assert.ThrowsAsync<RpcException>(() => belgium.Lookup.LookupAsync(
            new LookupRequest { NationalIdentifier = new NationalIdentifier { Country = "NL", Value = "123456789" } }, ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, badBsn.StatusCode);
        var own = await Assert.ThrowsAsync<RpcException>(() => exchange.Netherlands.Client.Lookup.LookupAsync(new LookupRequest { Handle = Handle }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, own.StatusCode);
        var decideAsPartner = await Assert.ThrowsAsync<RpcException>(() => belgium.Lookup.DecideFollowUpAsync(
            new DecideFollowUpRequest { Name = followUp.Name, Approve = true, Reason = "self-service", Handling = new Handling { Code = HandlingCode.H0 } }, ExchangeFixture.Justified).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, decideAsPartner.StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_handle_lookup_follows_the_arrest_subjects_current_handles_through_changes_and_erasure(DatabaseProvider provider)
    {
        await using var exchange = await ExchangeFixture.StartAsync(provider: provider);
        var arrest = await UnsharedArrestAsync(exchange);
        var nl = exchange.Netherlands.Client;
        async Task<bool> HitAsync(string value) => (await exchange.BelgiumAtNetherlands.Lookup.LookupAsync(new LookupRequest
        {
            Handle = new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = value },
        }, ExchangeFixture.Justified)).Hit;

        Assert.True(await HitAsync("  sky-4x9k2m ")); // one form: trimmed, any case

        arrest.Subject.CommunicationIdentifiers.Clear();
        arrest.Subject.CommunicationIdentifiers.Add(new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = "SKY-NEW-77" });
        arrest = (await nl.Arrests.UpdateArrestAsync(new UpdateArrestRequest { Arrest = arrest, UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "subject" } } })).Arrest;
        Assert.False(await HitAsync(Handle.Value));
        Assert.True(await HitAsync("SKY-NEW-77"));

        await nl.Arrests.DeleteArrestAsync(new DeleteArrestRequest { Name = arrest.Name, Reason = "wrong person (court order 2021/113)" });
        Assert.False(await HitAsync("SKY-NEW-77"));
    }

    private static async Task<Arrest> UnsharedArrestAsync(ExchangeFixture exchange)
    {
        var operation = (await exchange.Netherlands.Client.Operations.CreateOperationAsync(new Operations.V1.CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
        return (await exchange.Netherlands.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) })).Arrest;
    }
}
