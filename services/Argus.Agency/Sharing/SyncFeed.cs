using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Events;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Sharing;

/// <summary>One event of an agency's Sync stream: what its bus message said, and where it stands in the stream.</summary>
public sealed record SyncItem(long Cursor, System.Type Type, IArgusEvent Event);

/// <summary>
/// The events meant for one agency, from a cursor on, as they went (or will go) out on the bus:
/// the outbox rows with that agency's routing key. A partner that lost messages, or was down,
/// reads them again here.
/// <para>
/// The cursor is the row's place in that agency's feed alone (1, 2, 3…), not this agency's
/// global event sequence: the gaps of a global sequence would tell a partner how much happened
/// here that was not shared with it. Rows are numbered when a Sync asks, in the order they became
/// visible, by one statement per feed, so a number once given is never given to a row that
/// commits later with a lower sequence. Two instances numbering at once collide on the unique
/// (routing key, position) index; the loser numbers again.
/// </para>
/// </summary>
public sealed class SyncFeed(AgencyDbContext db)
{
    private const int PageSize = 500;
    private static readonly SemaphoreSlim Numbering = new(1, 1);

    public async IAsyncEnumerable<SyncItem> ReadAsync(string route, long afterCursor, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await NumberAsync(route, cancellationToken);
        var cursor = afterCursor;
        while (true)
        {
            var page = await db.Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.RoutingKey == route && m.RoutePosition > cursor)
                .OrderBy(m => m.RoutePosition)
                .Take(PageSize)
                .ToListAsync(cancellationToken);
            foreach (var row in page)
            {
                var message = row.ReadEvent(out var type);
                yield return new SyncItem(row.RoutePosition!.Value, type, message);
                cursor = row.RoutePosition.Value;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>Gives the feed's committed, unnumbered rows the next positions, in sequence order.</summary>
    public async Task NumberAsync(string route, CancellationToken cancellationToken)
    {
        await Numbering.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await db.Database.ExecuteSqlAsync($"""
                        UPDATE "OutboxMessages" SET "RoutePosition" = numbered."Position"
                        FROM (
                            SELECT o."Sequence",
                                   COALESCE((SELECT MAX(p."RoutePosition") FROM "OutboxMessages" p WHERE p."RoutingKey" = {route}), 0)
                                   + ROW_NUMBER() OVER (ORDER BY o."Sequence") AS "Position"
                            FROM "OutboxMessages" o
                            WHERE o."RoutingKey" = {route} AND o."RoutePosition" IS NULL
                        ) AS numbered
                        WHERE "OutboxMessages"."Sequence" = numbered."Sequence"
                        """, cancellationToken);
                    return;
                }
                catch (Exception ex) when (attempt < 5 && DatabaseErrors.IsUniqueViolation(ex))
                {
                    // Another instance numbered the same rows first.
                }
            }
        }
        finally
        {
            Numbering.Release();
        }
    }
}
