using Argus.Agency.Callers;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;

namespace Argus.Agency.Records;

/// <summary>
/// Who may see the records of this agency, and how. Its own callers (and JIT-wide tools, which act
/// for no agency) see everything as it is. A partner agency must justify every consultation, as
/// the Benelux police treaty requires, and sees a record only while it, or its whole operation, is
/// shared with it — under the stricter of the record's handling and the share's — otherwise the
/// record is indistinguishable from one that does not exist. (What a partner may call at all is
/// the PartnerGate's.)
/// </summary>
public sealed class RecordAccess(Caller caller, IRecordShares shares)
{
    public bool CallerIsPartner => caller.IsPartner;

    /// <summary>Refuses an unjustified consultation by anyone who does not act for this agency (a partner, a JIT-wide tool).</summary>
    public void RequireJustifiedRead()
    {
        if (!caller.ActsForThisAgency && caller.Justification.Trim().Length == 0)
        {
            throw FieldErrors.Invalid(Caller.JustificationHeader,
                $"is required (or {Caller.JustificationBinaryHeader} for text beyond ASCII): whoever does not act for this agency states why it consults each record.");
        }
    }

    /// <summary><paramref name="record"/> as the caller may see it, or null when it may not.</summary>
    public async Task<T?> ShownAsync<T>(T record, CancellationToken cancellationToken)
        where T : Record
    {
        if (!CallerIsPartner)
        {
            return record; // the owner's Get, the hot path: no list, no share lookup
        }

        return await ShownAsync([record], cancellationToken) is [var shown] ? shown : null;
    }

    /// <summary>The records the caller may see, each as it is shown to the caller.</summary>
    public async Task<IReadOnlyList<T>> ShownAsync<T>(IReadOnlyList<T> records, CancellationToken cancellationToken)
        where T : Record
    {
        if (!CallerIsPartner)
        {
            return records;
        }

        if (caller.Partner is not { } partner || records.Count == 0)
        {
            return [];
        }

        var names = records.SelectMany(r => new[] { r.Name, r.OperationName }).Distinct().ToList();
        var sharedUnder = await shares.SharedUnderAsync(partner, names, cancellationToken);
        var shown = new List<T>(records.Count);
        foreach (var record in records)
        {
            var byRecord = sharedUnder.GetValueOrDefault(record.Name);
            var byOperation = sharedUnder.GetValueOrDefault(record.OperationName);
            if (byRecord is null && byOperation is null)
            {
                continue;
            }

            shown.Add((T)record.ShownUnder(byRecord, byOperation));
        }

        return shown;
    }

    /// <summary>The records of a kind the caller may list: for a partner, those shared with it, filtered in the query.</summary>
    public IQueryable<T> Visible<T>(IQueryable<T> records, IRecordQueries<T> kind)
        where T : Record
    {
        if (!CallerIsPartner)
        {
            return records;
        }

        return caller.Partner is { } partner
            ? kind.SharedAmong(records, shares.SharedNames(partner))
            : records.Where(_ => false);
    }

    /// <summary>How the processing log records a read: a consultation by the owner, a disclosure to a partner.</summary>
    public ProcessingEvent ReadEvent(string record, string details = "") => CallerIsPartner
        ? new ProcessingEvent(ProcessingAction.Disclosure, record, details, [caller.Agency!.ToLowerInvariant()])
        : new ProcessingEvent(ProcessingAction.Consultation, record, details);
}
