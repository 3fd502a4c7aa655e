using Argus.Hosting.Persistence;
using Npgsql;

namespace Argus.UnitTests.Hosting;

/// <summary>Every PostgreSQL connection prepares its repeated statements, unless its connection string chose otherwise.</summary>
public sealed class PostgresConnectionsTests
{
    [Fact]
    public void A_connection_string_without_its_own_choice_gets_prepared_statements()
    {
        var built = new NpgsqlConnectionStringBuilder(PostgresConnections.WithDefaults("Host=db;Database=argus_nl;Username=argus_nl;Password=p"));

        Assert.Equal(PostgresConnections.MaxAutoPrepare, built.MaxAutoPrepare);
        Assert.Equal(PostgresConnections.AutoPrepareMinUsages, built.AutoPrepareMinUsages);
        Assert.Equal(PostgresConnections.PlanEachExecution, built.Options);
        Assert.Equal(("db", "argus_nl", "p"), (built.Host, built.Database, built.Password));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;Auto Prepare Min Usages=7")]
    [InlineData("Host=db;maxautoprepare=0;AUTO PREPARE MIN USAGES=7")]
    public void A_connection_string_that_chose_keeps_its_choice(string connectionString)
    {
        var built = new NpgsqlConnectionStringBuilder(PostgresConnections.WithDefaults(connectionString));

        Assert.Equal(0, built.MaxAutoPrepare);
        Assert.Equal(7, built.AutoPrepareMinUsages);
    }

    [Theory]
    [InlineData("Host=db;Options=-c statement_timeout=5s", "-c statement_timeout=5s " + PostgresConnections.PlanEachExecution)]
    [InlineData("Host=db;Options=-c plan_cache_mode=auto", "-c plan_cache_mode=auto")]
    public void Options_of_its_own_are_kept_and_a_plan_cache_mode_of_its_own_wins(string connectionString, string options) =>
        Assert.Equal(options, new NpgsqlConnectionStringBuilder(PostgresConnections.WithDefaults(connectionString)).Options);
}
