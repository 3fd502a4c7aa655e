using Argus.Arrests.V1;
using Argus.Common.V1;
using Argus.Operations.V1;
using Argus.Replica.V1;
using Argus.Testing;

namespace Argus.FunctionalTests;

/// <summary>
/// A record shown to a partner carries the stricter of its own handling code and the share's —
/// also a record added to an operation after the operation was shared, over the bus and through
/// Sync — and an H3 share's restriction text travels with it.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class SharedHandlingTests
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);
    private const string Restriction = "Only for the Antwerp investigating judge; not for asylum procedures";

    [Fact]
    public async Task A_record_added_after_its_operation_was_shared_reaches_the_replica_under_the_share_handling()
    {
        await using var exchange = await ExchangeFixture.StartAsync();
        var underH2 = await OperationAsync(exchange, HandlingCode.H0);
        var underH3 = await OperationAsync(exchange, HandlingCode.H1);
        await exchange.ShareWithBelgiumAsync(underH2, HandlingCode.H2);
        await exchange.ShareWithBelgiumAsync(underH3, HandlingCode.H3, Restriction);

        // Recorded after the shares, with weaker codes of their own.
        var h0 = await ArrestAsync(exchange, underH2, HandlingCode.H0);
        var h1 = await ArrestAsync(exchange, underH3, HandlingCode.H1);

        // The arrests carry their content; the operation's copy is read when its share arrives: wait for all three.
        var copies = await exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == h0) && c.Any(x => x.Record == h1) && c.Any(x => x.Record == underH2), Converge);
        AssertCopy(copies.Single(c => c.Record == h0), HandlingCode.H2, "");
        AssertCopy(copies.Single(c => c.Record == h1), HandlingCode.H3, Restriction);
        AssertCopy(copies.Single(c => c.Record == underH2), HandlingCode.H2, "");

        // The partner's own read shows it the same way; the owner still sees the record's own code.
        var read = (await exchange.BelgiumAtNetherlands.Arrests.GetArrestAsync(new GetArrestRequest { Name = h1 }, ExchangeFixture.Justified)).Arrest;
        Assert.Equal(HandlingCode.H3, read.Handling.Code);
        Assert.Equal(Restriction, read.Handling.Restrictions);
        Assert.Equal(HandlingCode.H1, (await exchange.Netherlands.Client.Arrests.GetArrestAsync(new GetArrestRequest { Name = h1 })).Arrest.Handling.Code);

        // A record stricter than its share keeps its own code.
        var h3 = await ArrestAsync(exchange, underH2, HandlingCode.H3, "Do not confront the suspect with this arrest");
        var strict = (await exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == h3), Converge)).Single(c => c.Record == h3);
        AssertCopy(strict, HandlingCode.H3, "Do not confront the suspect with this arrest");
    }

    [Fact]
    public async Task A_record_added_while_the_partner_was_down_arrives_through_Sync_under_the_share_handling()
    {
        await using var exchange = await ExchangeFixture.StartAsync(startBelgium: false);
        var operation = await OperationAsync(exchange, HandlingCode.H0);
        await exchange.ShareWithBelgiumAsync(operation, HandlingCode.H3, Restriction);
        var arrest = await ArrestAsync(exchange, operation, HandlingCode.H0);

        await exchange.StartBelgiumAsync();

        var copies = await exchange.WaitForCopiesAsync(c => c.Any(x => x.Record == arrest), Converge);
        AssertCopy(copies.Single(c => c.Record == arrest), HandlingCode.H3, Restriction);
        AssertCopy(copies.Single(c => c.Record == operation), HandlingCode.H3, Restriction);
    }

    private static void AssertCopy(ForeignRecord copy, HandlingCode code, string restrictions)
    {
        Assert.Equal(code, copy.HandlingCode);
        Assert.Equal(restrictions, copy.HandlingRestrictions);
        var shown = copy.Arrest?.Handling ?? copy.Operation.Handling;
        Assert.Equal(code, shown.Code);
        Assert.Equal(restrictions, shown.Restrictions);
    }

    private static async Task<string> OperationAsync(ExchangeFixture exchange, HandlingCode code)
    {
        var operation = Records.Operation("10/960071-21");
        operation.Handling = new Handling { Code = code };
        return (await exchange.Netherlands.Client.Operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = operation,
        })).Operation.Name;
    }

    private static async Task<string> ArrestAsync(ExchangeFixture exchange, string operation, HandlingCode code, string restrictions = "")
    {
        var arrest = Records.Arrest(Records.DutchSuspect());
        arrest.Handling = new Handling { Code = code, Restrictions = restrictions };
        return (await exchange.Netherlands.Client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = operation, Arrest = arrest })).Arrest.Name;
    }
}
