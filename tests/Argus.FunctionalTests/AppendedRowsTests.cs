using System.Data.Common;
using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.FunctionalTests;

/// <summary>
/// The outbox rows and log entries a change appends beside EF Core's change tracker
/// (<see cref="AppendedRows"/>), on both databases: stored exactly as EF Core stores the same values
/// (SQLite keeps GUIDs and times as text, so a different spelling would make them unfindable),
/// whole when they need more than one command, and not at all when the change fails.
/// </summary>
public sealed class AppendedRowsTests
{
    public static TheoryData<string> Providers => ["Sqlite", "PostgreSql"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Appended_rows_are_stored_as_EF_Core_stores_the_same_values(string provider)
    {
        await using var services = await DatabaseAsync(provider);
        var time = new DateTimeOffset(2021, 3, 9, 5, 20, 0, TimeSpan.Zero).AddTicks(1234560); // to the microsecond, as the services keep times
        AuditEntryEntity Entry() => new()
        {
            Time = time, ClientId = "investigator-nl", Action = ProcessingAction.Disclosure, Record = "operations/argus/arrests/a-1",
            Justification = "Onderzoek 26Argus — \"zaak\" 'één' 🚤", Recipients = "be", Details = "version 1 pushed under H3",
        };
        var messageId = Guid.Parse("0190f1c2-aaaa-7bbb-8ccc-123456789abc"); // letters: SQLite's text keeps them upper case
        var message = new OutboxMessage { MessageId = messageId, Type = "ArrestRecorded", Body = "{\"name\":\"Anvers — é\"}", RoutingKey = "be", CreateTime = time };

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            db.Add(Entry());
            db.Add(new OutboxMessage { MessageId = Guid.NewGuid(), Type = message.Type, Body = message.Body, RoutingKey = message.RoutingKey, CreateTime = time });
            await db.SaveChangesAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await new AppendedRows(db).Add([Entry()]).Add([message]).InsertAsync(CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            // Column by column, as stored: the appended entry's are the tracked one's.
            var stored = await StoredAsync(db, """SELECT "Time", "ClientId", "Action", "Record", "Justification", "Recipients", "Details", "Sequence", "Hash" FROM "AuditEntries" ORDER BY "Id" """);
            Assert.Equal(2, stored.Count);
            Assert.Equal(stored[0], stored[1]);
            Assert.Equal("Disclosure", stored[1][2]); // the enum as its name

            var outbox = await StoredAsync(db, """SELECT "Type", "Body", "RoutingKey", "CreateTime", "PublishTime", "RoutePosition", "Attempts" FROM "OutboxMessages" ORDER BY "Sequence" """);
            Assert.Equal(outbox[0], outbox[1]);

            // Found by EF Core's own parameters, and read back unchanged.
            var read = await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.MessageId == messageId);
            Assert.Equal((message.Type, message.Body, message.RoutingKey, time, (DateTimeOffset?)null, (long?)null, 0),
                (read.Type, read.Body, read.RoutingKey, read.CreateTime, read.PublishTime, read.RoutePosition, read.Attempts));
            Assert.True(read.Sequence > 0);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task More_rows_than_one_command_takes_are_all_appended(string provider)
    {
        await using var services = await DatabaseAsync(provider);
        // 10 columns each: 40,000 parameters, more than one command may carry.
        var entries = Enumerable.Range(1, 4000).Select(i => new AuditEntryEntity
        {
            Time = DateTimeOffset.UnixEpoch, ClientId = "bulk", Action = ProcessingAction.Collection, Record = $"operations/argus/arrests/{i}", Justification = "", Recipients = "", Details = "",
        }).ToList();

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await new AppendedRows(db).Add(entries).Add([new OutboxMessage { MessageId = Guid.NewGuid(), Type = "T", Body = "{}", RoutingKey = "nl", CreateTime = DateTimeOffset.UnixEpoch }])
                .InsertAsync(CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            var records = await db.Set<AuditEntryEntity>().AsNoTracking().OrderBy(e => e.Id).Select(e => e.Record).ToListAsync();
            Assert.Equal(entries.Select(e => e.Record), records);
            Assert.Equal(1, await db.Set<OutboxMessage>().CountAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_change_that_fails_appends_nothing_and_its_retry_appends_once(string provider)
    {
        await using var services = await DatabaseAsync(provider);
        var taken = Guid.NewGuid();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            db.Add(new OutboxMessage { MessageId = taken, Type = "T", Body = "{}", RoutingKey = "nl", CreateTime = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync();
        }

        var writer = services.GetRequiredService<ProcessingLogWriter>();
        var change = new ProcessingEvent(ProcessingAction.Collection, "operations/argus/arrests/a-2");
        OutboxMessage Event() => new() { MessageId = Guid.NewGuid(), Type = "ArrestRecorded", Body = "{}", RoutingKey = "be", CreateTime = DateTimeOffset.UnixEpoch };
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            var collides = new OutboxMessage { MessageId = taken, Type = "T", Body = "{}", RoutingKey = "nl", CreateTime = DateTimeOffset.UnixEpoch };
            db.Add(collides); // the tracked part of the change breaks a unique index
            await Assert.ThrowsAsync<DbUpdateException>(() => writer.SaveWithEntryAsync(db, change, "c", "j", CancellationToken.None, [change], [Event()]));
            Assert.Null(db.Database.CurrentTransaction);

            db.Entry(collides).State = EntityState.Detached;
            await writer.SaveWithEntryAsync(db, change, "c", "j", CancellationToken.None, events: [Event()]);
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
            Assert.Equal(1, await db.Set<AuditEntryEntity>().CountAsync(e => e.Record == change.Record));
            Assert.Equal(1, await db.Set<OutboxMessage>().CountAsync(m => m.RoutingKey == "be"));
        }
    }

    /// <summary>A fresh, migrated agency database of <paramref name="provider"/>, with the log writer.</summary>
    private static async Task<ServiceProvider> DatabaseAsync(string provider)
    {
        var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddSingleton<ProcessingLogWriter>();
        if (provider == "Sqlite")
        {
            var file = Path.Combine(Path.GetTempPath(), $"argus-appended-{Guid.NewGuid():N}.db");
            services.AddDbContext<SqliteAgencyDbContext>(db => db.UseSqlite($"Data Source={file};Pooling=False"));
            services.AddScoped<AgencyDbContext>(s => s.GetRequiredService<SqliteAgencyDbContext>());
        }
        else
        {
            var connection = Argus.Hosting.Persistence.PostgresConnections.WithDefaults(await TestPostgres.CreateDatabaseAsync("appended"));
            services.AddDbContext<PostgresAgencyDbContext>(db => db.UseNpgsql(connection));
            services.AddScoped<AgencyDbContext>(s => s.GetRequiredService<PostgresAgencyDbContext>());
        }

        var provided = services.BuildServiceProvider();
        await using var scope = provided.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AgencyDbContext>().Database.MigrateAsync();
        return provided;
    }

    /// <summary>Each row's columns as the database returns them, without EF Core's conversions.</summary>
    private static async Task<List<List<object?>>> StoredAsync(AgencyDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<List<object?>>();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToList());
        }

        return rows;
    }
}
