using Npgsql;

namespace Argus.Testing;

/// <summary>
/// The throwaway PostgreSQL server deploy/local/test.sh starts, named by ARGUS_POSTGRES. Each caller
/// gets a fresh database of its own. Without the server, tests fail saying so — they never skip.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "ARGUS_POSTGRES";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"PostgreSQL is required for this test and {Variable} is not set. Run ./deploy/local/test.sh, which starts a " +
                $"throwaway server, or set {Variable} to an Npgsql connection string of a server where the user may create databases.");

    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"argus_{purpose}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        var server = ServerConnectionString;
        try
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException($"The PostgreSQL server named by {Variable} does not answer ({ex.Message}). Is it running?", ex);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}
