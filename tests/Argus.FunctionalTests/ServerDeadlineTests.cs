using Argus.Agency.Persistence;
using Argus.Client.Security;
using Argus.Hosting.Persistence;
using Argus.Netherlands;
using Argus.Operations.V1;
using Argus.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Argus.FunctionalTests;

/// <summary>
/// A deadline is the server's to keep: a call whose database step is still running when its
/// deadline passes is stopped there, not left to finish for nobody.
/// </summary>
public sealed class ServerDeadlineTests
{
    [Fact]
    public async Task An_update_waiting_on_the_database_past_its_deadline_is_stopped_by_the_server_and_changes_nothing()
    {
        await using var identity = await RunningIdentity.StartAsync(DatabaseProvider.PostgreSql);
        var tester = await identity.RegisterAsync("deadline-tester", [ArgusAudiences.Agency("nl")], AgencyFixture.RecordScopes);
        await using var nl = await RunningAgency.StartAsync(new DutchJurisdiction(), DatabaseProvider.PostgreSql, identity, tester);
        var operation = (await nl.Client.Operations.CreateOperationAsync(new CreateOperationRequest
        {
            OperationId = Records.NewOperationId(), Operation = Records.Operation("10/960071-21"),
        })).Operation;
        string connectionString;
        await using (var scope = nl.Services.CreateAsyncScope())
        {
            connectionString = scope.ServiceProvider.GetRequiredService<AgencyDbContext>().Database.GetConnectionString()!;
        }

        // Another session holds the operation's row, so the service's UPDATE waits on it.
        await using var blocker = new NpgsqlConnection(connectionString);
        await blocker.OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("""SELECT 1 FROM "Operations" WHERE "Id" = @id FOR UPDATE""", blocker, hold))
        {
            lockRow.Parameters.AddWithValue("id", operation.Name.Split('/')[1]);
            await lockRow.ExecuteScalarAsync();
        }

        // Watched from a third session: a transaction sees pg_stat_activity as it was when it first looked.
        await using var observer = new NpgsqlConnection(connectionString);
        await observer.OpenAsync();
        var change = operation.Clone();
        change.Description = "changed by a call that ran out of time";
        var call = nl.Client.Operations.UpdateOperationAsync(
            new UpdateOperationRequest { Operation = change, UpdateMask = new FieldMask { Paths = { "description" } } },
            deadline: DateTime.UtcNow.AddSeconds(2)).ResponseAsync;

        // The server's statement is running (waiting on the lock) before the deadline passes...
        Assert.True(await EventuallyAsync(async () => await WaitingOnLocksAsync(observer) == 1, TimeSpan.FromSeconds(1.8)),
            "The service's UPDATE never reached the database; the test would not show who stops it.");
        var expired = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.DeadlineExceeded, expired.StatusCode);

        // ...and is gone while the lock is still held: the server cancelled its own work.
        Assert.True(await EventuallyAsync(async () => await WaitingOnLocksAsync(observer) == 0, TimeSpan.FromSeconds(5)),
            "The service's UPDATE still waits on the database after its deadline passed.");
        await hold.RollbackAsync();

        var after = (await nl.Client.Operations.GetOperationAsync(new GetOperationRequest { Name = operation.Name })).Operation;
        Assert.Equal(operation.Etag, after.Etag);
        Assert.Equal(operation.Description, after.Description);
    }

    /// <summary>Statements of other sessions in this database that wait on a lock.</summary>
    private static async Task<long> WaitingOnLocksAsync(NpgsqlConnection connection)
    {
        await using var query = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()", connection);
        return (long)(await query.ExecuteScalarAsync())!;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }
}
