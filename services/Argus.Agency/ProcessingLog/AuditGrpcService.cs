using Argus.Agency.Persistence;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Audit.V1;

namespace Argus.Agency.ProcessingLog;

/// <summary>Reading the processing log, for auditors and `argus audit verify`.</summary>
internal sealed class AuditGrpcService(AgencyDbContext db, ProcessingLogWriter log, LogHeadSigner signer) : Proto.AuditService.AuditServiceBase
{
    [Authorize(ArgusScopes.Exchange)]
    [Callers.OpenToPartners]
    public override async Task<Proto.GetSignedLogHeadResponse> GetSignedLogHead(Proto.GetSignedLogHeadRequest request, ServerCallContext context)
    {
        // Everything committed so far is chained first: the head covers it.
        await log.SealAsync().WaitAsync(context.CancellationToken);
        var (sequence, hash) = await ChainHead.ReadAsync(db, context.CancellationToken);
        return new() { Head = signer.Sign(sequence, hash) };
    }

    [Authorize(ArgusScopes.AdminRead)]
    public override async Task<Proto.ListWitnessedLogHeadsResponse> ListWitnessedLogHeads(Proto.ListWitnessedLogHeadsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var owner = Shared.Input.Enum<Common.V1.AgencyCode, Shared.AgencyCode>(request.Owner, "owner", errors);
        errors.ThrowIfAny();
        var heads = await db.Set<WitnessedLogHead>().AsNoTracking().Where(h => h.Owner == owner).OrderBy(h => h.Id).ToListAsync(context.CancellationToken);
        var response = new Proto.ListWitnessedLogHeadsResponse();
        response.Heads.AddRange(heads.Select(h => h.ToProto()));
        return response;
    }

    [Authorize(ArgusScopes.AdminRead)]
    public override async Task<Proto.ListAuditEntriesResponse> ListAuditEntries(Proto.ListAuditEntriesRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Check(request.PageSize is >= 0 and <= 1000, "page_size", "must be between 1 and 1000 (0 for the default of 500).");
        errors.Check(request.AfterSequence >= 0, "after_sequence", "must not be negative.");
        errors.ThrowIfAny();
        var size = request.PageSize == 0 ? 500 : request.PageSize;
        // Everything committed so far gets its place in the chain before it is shown.
        await log.SealAsync().WaitAsync(context.CancellationToken);
        var entries = db.Set<AuditEntryEntity>().AsNoTracking().Where(e => e.Sequence != null && e.Sequence > request.AfterSequence);
        if (request.Record.Length > 0)
        {
            entries = entries.Where(e => e.Record == request.Record);
        }

        var page = await entries.OrderBy(e => e.Sequence).Take(size + 1).ToListAsync(context.CancellationToken);
        var response = new Proto.ListAuditEntriesResponse { NextAfterSequence = page.Count > size ? page[size - 1].Sequence!.Value : 0 };
        response.Entries.AddRange(page.Take(size).Select(ToProto));
        return response;
    }

    private static Proto.AuditEntry ToProto(AuditEntryEntity entry)
    {
        var proto = new Proto.AuditEntry
        {
            Sequence = entry.Sequence!.Value,
            Time = Timestamp.FromDateTimeOffset(entry.Time),
            ClientId = entry.ClientId,
            Action = entry.Action switch
            {
                ProcessingAction.Collection => Proto.ProcessingAction.Collection,
                ProcessingAction.Alteration => Proto.ProcessingAction.Alteration,
                ProcessingAction.Consultation => Proto.ProcessingAction.Consultation,
                ProcessingAction.Disclosure => Proto.ProcessingAction.Disclosure,
                ProcessingAction.Combination => Proto.ProcessingAction.Combination,
                ProcessingAction.Erasure => Proto.ProcessingAction.Erasure,
                _ => Proto.ProcessingAction.Unspecified,
            },
            Record = entry.Record,
            Justification = entry.Justification,
            Details = entry.Details,
            PreviousHash = entry.PreviousHash ?? "",
            Hash = entry.Hash ?? "",
        };
        proto.Recipients.AddRange(entry.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries));
        return proto;
    }
}
