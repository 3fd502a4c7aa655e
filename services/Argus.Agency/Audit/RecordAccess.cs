using Argus.Agency.Domain;
using Argus.Agency.Domain.Operations;
using Argus.Agency.Domain.Shared;
using Argus.Agency.Persistence;
using Argus.Hosting.Errors;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Audit;

/// <summary>
/// Who may see the records of this agency. Its own callers (and JIT-wide tools, which act for no
/// agency) see everything. A partner agency (a token whose argus_agency is another agency) changes
/// nothing (see OwnerOnlyChangesInterceptor), must justify every consultation, as the Benelux police
/// treaty requires, and sees a record only while it, or its whole operation, is shared with it —
/// otherwise the record is indistinguishable from one that does not exist.
/// </summary>
public sealed class RecordAccess(Caller caller, IJurisdiction jurisdiction, AgencyDbContext db)
{
    public bool CallerIsPartner =>
        caller.Agency is { } agency && !string.Equals(agency, jurisdiction.Agency.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>The partner as an agency code; null for the owner's callers, and for an agency unknown here (nothing is shared with it).</summary>
    public AgencyCode? Partner => CallerIsPartner && Enum.TryParse<AgencyCode>(caller.Agency, ignoreCase: true, out var code) ? code : null;

    /// <summary>Refuses an unjustified consultation by a partner.</summary>
    public void RequireJustifiedRead()
    {
        if (CallerIsPartner && caller.Justification.Trim().Length == 0)
        {
            throw FieldErrors.Invalid(Caller.JustificationHeader, "is required: a partner agency states why it consults each record.");
        }
    }

    /// <summary>Whether the caller may see <paramref name="record"/>: always for the owner's callers; for a partner while it is shared.</summary>
    public async Task<bool> MayReadAsync(Record record, CancellationToken cancellationToken)
    {
        if (!CallerIsPartner)
        {
            return true;
        }

        if (Partner is not { } partner)
        {
            return false;
        }

        var operation = record.OperationName;
        return await ActiveShares(partner).AnyAsync(s => s.Record == record.Name || s.Record == operation, cancellationToken);
    }

    /// <summary>The records of one kind the caller may list: for a partner, those shared with it, filtered in the query.</summary>
    public IQueryable<T> Visible<T>(IQueryable<T> records, string collection)
        where T : OperationRecord
    {
        if (!CallerIsPartner)
        {
            return records;
        }

        if (Partner is not { } partner)
        {
            return records.Where(_ => false);
        }

        var shares = ActiveShares(partner);
        return records.Where(x => shares.Any(s => s.Record == "operations/" + x.OperationId || s.Record == "operations/" + x.OperationId + "/" + collection + "/" + x.Id));
    }

    /// <summary>The operations a partner may list: those shared with it as a whole.</summary>
    public IQueryable<Operation> Visible(IQueryable<Operation> operations)
    {
        if (!CallerIsPartner)
        {
            return operations;
        }

        if (Partner is not { } partner)
        {
            return operations.Where(_ => false);
        }

        var shares = ActiveShares(partner);
        return operations.Where(x => shares.Any(s => s.Record == "operations/" + x.Id));
    }

    /// <summary>How the processing log records a read: a consultation by the owner, a disclosure to a partner.</summary>
    public ProcessingEvent ReadEvent(string record, string details = "") => CallerIsPartner
        ? new ProcessingEvent(ProcessingAction.Disclosure, record, details, [caller.Agency!.ToLowerInvariant()])
        : new ProcessingEvent(ProcessingAction.Consultation, record, details);

    private IQueryable<Domain.Sharing.Share> ActiveShares(AgencyCode partner) =>
        db.Shares.AsNoTracking().Where(s => s.Recipient == partner && s.RevokeTime == null);
}
