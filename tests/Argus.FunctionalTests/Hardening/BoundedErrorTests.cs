using Argus.Arrests.V1;
using Argus.Common.V1;
using Argus.Exchange.V1;
using Argus.Lookup.V1;
using Argus.Operations.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;

namespace Argus.FunctionalTests.Hardening;

/// <summary>
/// An error answer is a few KB whatever the request held: what it echoes is shortened, and a
/// BadRequest lists at most 20 violations and counts the rest. Past ~64 KB of trailers a client
/// gives up on the whole HTTP/2 connection, and every call on it fails with the bad one.
/// </summary>
public sealed class BoundedErrorTests(HardeningFixture fixture) : IClassFixture<HardeningFixture>
{
    private const int LongText = 100_000;
    private const int MaxDetailLength = 1_000;
    private const int MaxDetailsBytes = 4 * 1024;

    [Fact]
    public async Task A_create_with_1000_invalid_nationalities_lists_20_violations_and_counts_the_rest_and_calls_beside_it_complete()
    {
        var client = fixture.Netherlands.Client;
        var subject = Records.DutchSuspect();
        subject.Nationalities.Clear();
        subject.Nationalities.AddRange(Enumerable.Range(0, 1_000).Select(i => $"Q{i}"));

        // In flight on the same connection when the answer comes: a health watch (open until we
        // close it) and 20 reads started together with the create.
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = client.Health.Watch(new HealthCheckRequest(), cancellationToken: watching.Token);
        Assert.True(await watch.ResponseStream.MoveNext(watching.Token), "The health watch ended before its first answer.");
        var watchNext = watch.ResponseStream.MoveNext(watching.Token);
        var reads = Enumerable.Range(0, 20)
            .Select(_ => client.Operations.GetOperationAsync(new GetOperationRequest { Name = fixture.OperationName }).ResponseAsync)
            .ToList();

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            client.Arrests.CreateArrestAsync(new CreateArrestRequest { Parent = fixture.OperationName, Arrest = Records.Arrest(subject) }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        AssertBounded(refused);
        var badRequest = refused.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>();
        Assert.NotNull(badRequest);
        Assert.InRange(badRequest.FieldViolations.Count, 2, 21);
        var last = badRequest.FieldViolations[badRequest.FieldViolations.Count - 1];
        Assert.Matches(@"and \d[\d,.]* more", $"{last.Field} {last.Description}");

        var answers = await Task.WhenAll(reads);
        Assert.All(answers, answer => Assert.Equal(fixture.OperationName, answer.Operation.Name));
        await Task.WhenAny(watchNext, Task.Delay(TimeSpan.FromMilliseconds(500)));
        if (watchNext.IsFaulted)
        {
            Assert.Fail($"The health watch on the same connection died with the refusal: {watchNext.Exception?.InnerException?.Message}");
        }

        await watching.CancelAsync();
        try
        {
            await watchNext;
        }
        catch (RpcException)
        {
            // Cancelled by us.
        }
        catch (OperationCanceledException)
        {
            // Cancelled by us.
        }
    }

    [Theory]
    [InlineData("GetArrest")]
    [InlineData("GetFollowUp")]
    [InlineData("ShareRecord")]
    public async Task A_name_of_100_000_characters_gets_a_short_InvalidArgument_or_NotFound(string method)
    {
        var client = fixture.Netherlands.Client;
        var longId = new string('x', LongText);

        var refused = await Assert.ThrowsAsync<RpcException>(() => method switch
        {
            "GetArrest" => (Task)client.Arrests.GetArrestAsync(new GetArrestRequest { Name = $"{fixture.OperationName}/arrests/{longId}" }).ResponseAsync,
            "GetFollowUp" => client.Lookup.GetFollowUpAsync(new GetFollowUpRequest { Name = $"lookups/{longId}/followUps/f" }).ResponseAsync,
            "ShareRecord" => client.Exchange.ShareRecordAsync(new ShareRecordRequest
            {
                Share = new Share
                {
                    Record = $"{fixture.OperationName}/arrests/{longId}",
                    Recipient = AgencyCode.Be,
                    Handling = new Handling { Code = HandlingCode.H2 },
                    Purpose = "Joint investigation Argus: identification of suspects in Antwerp",
                },
            }).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a method of this test"),
        });

        Assert.Contains(refused.StatusCode, new[] { StatusCode.InvalidArgument, StatusCode.NotFound });
        AssertBounded(refused);
    }

    [Fact]
    public async Task An_update_with_an_etag_of_100_000_characters_gets_a_short_Aborted_or_InvalidArgument_and_changes_nothing()
    {
        var client = fixture.Netherlands.Client;
        var current = (await client.Operations.GetOperationAsync(new GetOperationRequest { Name = fixture.OperationName })).Operation;
        var change = current.Clone();
        change.Description = "changed with an etag nobody sent back";
        change.Etag = new string('e', LongText);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.Operations.UpdateOperationAsync(new UpdateOperationRequest
        {
            Operation = change,
            UpdateMask = new FieldMask { Paths = { "description" } },
        }).ResponseAsync);

        Assert.Contains(refused.StatusCode, new[] { StatusCode.Aborted, StatusCode.InvalidArgument });
        AssertBounded(refused);
        var after = (await client.Operations.GetOperationAsync(new GetOperationRequest { Name = fixture.OperationName })).Operation;
        Assert.Equal(current.Etag, after.Etag);
    }

    private static void AssertBounded(RpcException refused)
    {
        Assert.InRange(refused.Status.Detail.Length, 1, MaxDetailLength);
        Assert.InRange(refused.Trailers.GetValueBytes(RawCalls.DetailsTrailer)?.Length ?? 0, 0, MaxDetailsBytes);
    }
}
