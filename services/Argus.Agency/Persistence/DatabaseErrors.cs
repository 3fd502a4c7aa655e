using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Argus.Agency.Persistence;

public static class DatabaseErrors
{
    /// <summary>A unique index refused the write, on either provider.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => IsUniqueViolation(exception.InnerException);

    /// <summary>The same, for an exception of a raw SQL statement.</summary>
    public static bool IsUniqueViolation(Exception? exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555, // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
