using Argus.Agency.Persistence;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Sharing;

/// <summary>What the active shares say about records: who may see them, under what, and who hears of their changes.</summary>
public sealed class ShareIndex(AgencyDbContext db) : IRecordShares
{
    public IQueryable<string> SharedNames(AgencyCode partner) => Active().Where(s => s.Recipient == partner).Select(s => s.Record);

    public async Task<IReadOnlyDictionary<string, Handling>> SharedUnderAsync(AgencyCode partner, IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var shares = await Active().Where(s => s.Recipient == partner && names.Contains(s.Record)).ToListAsync(cancellationToken);
        return shares.GroupBy(s => s.Record).ToDictionary(g => g.Key, g => g.Select(s => s.Handling).Aggregate((a, b) => a.StricterOf(b)));
    }

    public async Task<IReadOnlyList<Recipient>> RecipientsAsync(Record record, CancellationToken cancellationToken)
    {
        var (name, operation) = (record.Name, record.OperationName);
        var shares = await Active().Where(s => s.Record == name || s.Record == operation).ToListAsync(cancellationToken);
        return shares.GroupBy(s => s.Recipient)
            .Select(g => new Recipient(g.Key, g.Select(s => s.Handling).Aggregate((a, b) => a.StricterOf(b))))
            .ToList();
    }

    public Task EndAsync(string record, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Set<Share>().Where(s => s.Record == record && s.RevokeTime == null).ForEachAsync(s => s.Revoke(now), cancellationToken);

    private IQueryable<Share> Active() => db.Set<Share>().AsNoTracking().Where(s => s.RevokeTime == null);
}
