using Argus.Agency.Shared;

namespace Argus.Agency.Records;

/// <summary>
/// What the record store asks of sharing: who may see a record and under which handling, and who
/// hears of its changes. Sharing answers it (Sharing.ShareIndex); the interface lives here so that
/// records do not depend on sharing, which depends on them.
/// </summary>
public interface IRecordShares
{
    /// <summary>The names (records and whole operations) shared with <paramref name="partner"/> now, as a query to filter with.</summary>
    IQueryable<string> SharedNames(AgencyCode partner);

    /// <summary>For each of <paramref name="names"/> shared with <paramref name="partner"/> now: the strictest handling it is shared under.</summary>
    Task<IReadOnlyDictionary<string, Handling>> SharedUnderAsync(AgencyCode partner, IReadOnlyCollection<string> names, CancellationToken cancellationToken);

    /// <summary>The partners <paramref name="record"/> is shared with now, itself or through its operation, and under what.</summary>
    Task<IReadOnlyList<Recipient>> RecipientsAsync(Record record, CancellationToken cancellationToken);

    /// <summary>Ends the shares of an erased record, in the caller's unit of work.</summary>
    Task EndAsync(string record, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>A partner a record is shared with, and the strictest handling it is shared under.</summary>
public sealed record Recipient(AgencyCode Agency, Handling SharedUnder);
