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
/// </summary>
public sealed class SyncFeed(AgencyDbContext db)
{
    private const int PageSize = 500;

    public async IAsyncEnumerable<SyncItem> ReadAsync(string route, long afterCursor, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = afterCursor;
        while (true)
        {
            var page = await db.Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.RoutingKey == route && m.Sequence > cursor)
                .OrderBy(m => m.Sequence)
                .Take(PageSize)
                .ToListAsync(cancellationToken);
            foreach (var row in page)
            {
                var message = row.ReadEvent(out var type);
                yield return new SyncItem(row.Sequence, type, message);
                cursor = row.Sequence;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }
        }
    }
}
