using Npgsql;

namespace Argus.Benchmarks;

/// <summary>
/// The PostgreSQL ceiling CreateArrest is held against: a bare transaction inserting two rows of
/// about 250 bytes (a record and its log entry, roughly), with no gRPC, no EF, no validation —
/// on the same server, at the same concurrency, in the same run.
/// </summary>
internal sealed class RawTransactions : IAsyncDisposable
{
    private readonly NpgsqlDataSource source;

    private RawTransactions(NpgsqlDataSource source) => this.source = source;

    public static async Task<RawTransactions> CreateAsync(string connectionString)
    {
        // The connection settings the services get (prepared statements): the ceiling is the best
        // this server does, not a handicapped one.
        var source = NpgsqlDataSource.Create(Argus.Hosting.Persistence.PostgresConnections.WithDefaults(connectionString));
        await using var create = source.CreateCommand("CREATE TABLE raw_rows (id uuid PRIMARY KEY, payload text NOT NULL)");
        await create.ExecuteNonQueryAsync();
        return new RawTransactions(source);
    }

    public async Task InsertTwoRowsAsync()
    {
        await using var connection = await source.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO raw_rows (id, payload) VALUES ($1, $2), ($3, $4)", connection, transaction)
        {
            Parameters = { new() { Value = Guid.NewGuid() }, new() { Value = Payload }, new() { Value = Guid.NewGuid() }, new() { Value = Payload } },
        };
        await insert.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    public ValueTask DisposeAsync() => source.DisposeAsync();

    private static readonly string Payload = new('x', 250);
}
