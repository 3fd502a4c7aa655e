using Argus.Arrests.V1;
using Argus.Operations.V1;

namespace Argus.FunctionalTests;

/// <summary>
/// The .NET client retries creates, which is only safe with a request_id: it fills one in when the
/// caller did not, so the same request sent again creates nothing new.
/// </summary>
public sealed class ClientRequestIdTests(SqliteAgencies agencies) : IClassFixture<SqliteAgencies>
{
    [Fact]
    public async Task A_create_sent_twice_without_a_request_id_creates_one_record()
    {
        var client = agencies.Netherlands.Client;
        var operation = (await client.Operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = Records.NewOperationId(),
            Operation = Records.Operation("10/960071-21"),
        })).Operation.Name;
        var request = new CreateArrestRequest { Parent = operation, Arrest = Records.Arrest(Records.DutchSuspect()) };

        var first = (await client.Arrests.CreateArrestAsync(request)).Arrest;
        var again = (await client.Arrests.CreateArrestAsync(request)).Arrest; // as a retry sends it

        Assert.True(Guid.TryParse(request.RequestId, out _), $"request_id is \"{request.RequestId}\"");
        Assert.Equal(first.Name, again.Name);
        Assert.Single((await client.Arrests.ListArrestsAsync(new ListArrestsRequest { Parent = operation })).Arrests);
    }
}
