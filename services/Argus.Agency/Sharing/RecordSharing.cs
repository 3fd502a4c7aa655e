using Argus.Agency.Callers;
using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Microsoft.EntityFrameworkCore;

namespace Argus.Agency.Sharing;

/// <summary>What the owner offers partner agencies to read, and under what.</summary>
public sealed record ShareProposal(RecordName Record, AgencyCode Recipient, Handling Handling, string Purpose);

/// <summary>
/// The owner shares its records with partner agencies and revokes what it shared. Each decision is
/// one transaction: the share, the event that tells the recipient, and the disclosure in the log.
/// </summary>
public sealed class RecordSharing(AgencyDbContext db, RecordStore store, RecordKinds kinds, RequestProcessingLog log, Caller caller,
    OutboxSignal outbox, IJurisdiction jurisdiction, TimeProvider clock)
{
    /// <summary>Shares a record, or an operation with everything in it, after checking that it exists.</summary>
    public async Task<Share> ShareAsync(ShareProposal proposal, CancellationToken cancellationToken)
    {
        var record = proposal.Record;
        var operation = kinds.OperationNamed(record.OperationId);
        if (!await store.ExistsAsync(operation, cancellationToken))
        {
            throw new ResourceNotFoundException(record.OperationName);
        }

        if (record != operation && !await store.ExistsAsync(record, cancellationToken))
        {
            throw new ResourceNotFoundException(record.ToString());
        }

        var share = Add(record, proposal.Recipient, proposal.Handling, proposal.Purpose, Input.TruncateToMicroseconds(clock.GetUtcNow()));
        await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Disclosure, share.Record,
            $"shared as {share.Name} under {share.Handling.Code}: {share.Purpose}", [share.Recipient.Code()]), cancellationToken);
        outbox.Notify();
        return share;
    }

    /// <summary>
    /// Adds a share and the event that tells its recipient to the unit of work, for a decision made
    /// elsewhere (an approved lookup follow-up); the caller saves it with its own log entry.
    /// </summary>
    public Share Add(RecordName record, AgencyCode recipient, Handling handling, string purpose, DateTimeOffset now)
    {
        var share = new Share
        {
            Id = ResourceNames.NewId(),
            OperationId = record.OperationId,
            Record = record.ToString(),
            Recipient = recipient,
            Handling = handling,
            Purpose = purpose,
            SharedBy = caller.ClientId,
            CreateTime = now,
        };
        db.Set<Share>().Add(share);
        db.AddEvent(share.SharedEvent(jurisdiction.Agency), recipient.Code(), now);
        return share;
    }

    /// <summary>Ends a share; revoking one that has ended changes nothing.</summary>
    public async Task<Share> RevokeAsync(string operationId, string id, CancellationToken cancellationToken)
    {
        var share = await db.Set<Share>().FirstOrDefaultAsync(s => s.OperationId == operationId && s.Id == id, cancellationToken)
            ?? throw new ResourceNotFoundException(ResourceNames.ChildName(operationId, Share.Collection, id));
        var now = Input.TruncateToMicroseconds(clock.GetUtcNow());
        if (share.Revoke(now))
        {
            db.AddEvent(share.RevokedEvent(jurisdiction.Agency), share.Recipient.Code(), now);
            await log.SaveWithEntryAsync(db, new ProcessingEvent(ProcessingAction.Alteration, share.Record, $"share {share.Name} revoked",
                [share.Recipient.Code()]), cancellationToken);
            outbox.Notify();
        }

        return share;
    }

    public Task<List<Share>> ListAsync(string operationId, CancellationToken cancellationToken) =>
        db.Set<Share>().AsNoTracking().Where(s => s.OperationId == operationId).OrderBy(s => s.Sequence).ToListAsync(cancellationToken);
}
