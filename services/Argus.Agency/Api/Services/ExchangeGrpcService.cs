using Argus.Agency.Api.Mapping;
using Argus.Agency.Audit;
using Argus.Agency.Domain;
using Argus.Agency.Domain.Arrests;
using Argus.Agency.Domain.Evidence;
using Argus.Agency.Domain.HouseSearches;
using Argus.Agency.Domain.Operations;
using Argus.Agency.Domain.Sharing;
using Argus.Agency.Domain.Shared;
using Argus.Agency.Outbox;
using Argus.Agency.Persistence;
using Argus.Events;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Exchange.V1;
using ProtoCommon = Argus.Common.V1;
using Shared = Argus.Agency.Domain.Shared;

namespace Argus.Agency.Api.Services;

/// <summary>The owner shares its records with partner agencies, and revokes what it shared.</summary>
[Authorize(ArgusScopes.Exchange)]
internal sealed class ExchangeGrpcService(RecordStore store, RecordAccess access, ProcessingLog log, Caller caller, OutboxSignal outbox, IJurisdiction jurisdiction, TimeProvider clock)
    : Proto.ExchangeService.ExchangeServiceBase
{
    public override async Task<Proto.ShareRecordResponse> ShareRecord(Proto.ShareRecordRequest request, ServerCallContext context)
    {
        OwnerOnly();
        var proposal = request.Share ?? throw FieldErrors.Invalid("share", "is required.");
        var errors = new FieldErrors();
        var recipient = Input.Enum<ProtoCommon.AgencyCode, Shared.AgencyCode>(proposal.Recipient, "share.recipient", errors);
        errors.Check(recipient == default || recipient != jurisdiction.Agency, "share.recipient", "is this agency itself; name a partner agency.");
        var handling = CommonMapping.ToDomain(proposal.Handling, "share.handling", errors);
        var purpose = Input.Text(proposal.Purpose, "share.purpose", errors, 500, required: true);
        var (operationId, record) = SharedRecord(proposal.Record, errors);
        errors.ThrowIfAny();
        await RequireExistsAsync(operationId, record, context.CancellationToken);

        var share = new Share
        {
            Id = ResourceNames.NewId(),
            OperationId = operationId,
            Record = record,
            Recipient = recipient,
            Handling = handling,
            Purpose = purpose,
            SharedBy = caller.ClientId,
            CreateTime = Input.TruncateToMicroseconds(clock.GetUtcNow()),
        };
        store.Db.AddShare(share, jurisdiction.Agency);
        await log.SaveWithEntryAsync(store.Db, new ProcessingEvent(ProcessingAction.Disclosure, record,
            $"shared as {share.Name} under {handling.Code}: {purpose}", [recipient.Code()]), context.CancellationToken);
        outbox.Notify();
        return new() { Share = ToProto(share) };
    }

    public override async Task<Proto.RevokeShareResponse> RevokeShare(Proto.RevokeShareRequest request, ServerCallContext context)
    {
        OwnerOnly();
        var (operationId, id) = ResourceNames.Child(request.Name, Share.Collection, "name");
        var share = await store.Db.Shares.FirstOrDefaultAsync(s => s.OperationId == operationId && s.Id == id, context.CancellationToken)
            ?? throw new ResourceNotFoundException(request.Name);
        if (share.RevokeTime is null)
        {
            share.RevokeTime = Input.TruncateToMicroseconds(clock.GetUtcNow());
            store.Db.OutboxMessages.Add(RecordEventFactory.ToOutbox(RecordEventFactory.Revoked(share, jurisdiction.Agency), share.Recipient.Code(), share.RevokeTime.Value));
            await log.SaveWithEntryAsync(store.Db, new ProcessingEvent(ProcessingAction.Alteration, share.Record, $"share {share.Name} revoked",
                [share.Recipient.Code()]), context.CancellationToken);
            outbox.Notify();
        }

        return new() { Share = ToProto(share) };
    }

    public override async Task<Proto.ListSharesResponse> ListShares(Proto.ListSharesRequest request, ServerCallContext context)
    {
        OwnerOnly();
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: false);
        var shares = await store.Db.Shares.AsNoTracking().Where(s => s.OperationId == operationId).OrderBy(s => s.Sequence).ToListAsync(context.CancellationToken);
        var response = new Proto.ListSharesResponse();
        response.Shares.AddRange(shares.Select(ToProto));
        return response;
    }

    public override async Task Sync(Proto.SyncRequest request, IServerStreamWriter<Proto.SyncResponse> responseStream, ServerCallContext context)
    {
        if (request.AfterCursor < 0)
        {
            throw FieldErrors.Invalid("after_cursor", "must not be negative.");
        }

        // The caller's routing key: its agency, or this agency for the owner's own callers.
        var route = access.CallerIsPartner ? caller.Agency!.ToLowerInvariant() : jurisdiction.Agency.Code();
        var cursor = request.AfterCursor;
        while (true)
        {
            var page = await store.Db.OutboxMessages.AsNoTracking()
                .Where(m => m.RoutingKey == route && m.Sequence > cursor)
                .OrderBy(m => m.Sequence)
                .Take(500)
                .ToListAsync(context.CancellationToken);
            foreach (var row in page)
            {
                var message = (IArgusEvent)RecordEventFactory.FromOutbox(row, out var type);
                var response = new Proto.SyncResponse
                {
                    Cursor = row.Sequence,
                    Event = EntityNames.Of(type),
                    EventId = message.EventId.ToString(),
                    Record = message.Record,
                    OccurTime = Timestamp.FromDateTimeOffset(message.OccurredAt),
                };
                if (message is IRecordEvent change)
                {
                    response.Version = change.Version;
                    response.HandlingCode = EnumMap<Shared.HandlingCode, ProtoCommon.HandlingCode>.Convert(System.Enum.Parse<Shared.HandlingCode>(change.HandlingCode));
                }

                await responseStream.WriteAsync(response, context.CancellationToken);
                cursor = row.Sequence;
            }

            if (page.Count < 500)
            {
                return;
            }
        }
    }

    /// <summary>Only the owner shares; onward sharing by a partner is refused outright.</summary>
    private void OwnerOnly()
    {
        if (access.CallerIsPartner)
        {
            throw new AccessDeniedException("Only the owning agency shares its records; a partner may not pass them on.");
        }
    }

    private static (string OperationId, string Record) SharedRecord(string name, FieldErrors errors)
    {
        var parts = name.Split('/');
        if (parts is ["operations", var operation] && ResourceNames.IsValidOperationId(operation))
        {
            return (operation, name);
        }

        if (parts is ["operations", var op, HouseSearch.Collection or Arrest.Collection or EvidenceItem.Collection, _])
        {
            return (op, name);
        }

        errors.Add("share.record", "must name an operation (\"operations/argus\") or one of its house searches, arrests or evidence items.");
        return ("", "");
    }

    private async Task RequireExistsAsync(string operationId, string record, CancellationToken cancellationToken)
    {
        await store.RequireOperationAsync(operationId, cancellationToken);
        var parts = record.Split('/');
        if (parts.Length == 2)
        {
            return;
        }

        var exists = parts[2] switch
        {
            HouseSearch.Collection => await store.ExistsAsync<HouseSearch>(operationId, parts[3], cancellationToken),
            Arrest.Collection => await store.ExistsAsync<Arrest>(operationId, parts[3], cancellationToken),
            _ => await store.ExistsAsync<EvidenceItem>(operationId, parts[3], cancellationToken),
        };
        if (!exists)
        {
            throw new ResourceNotFoundException(record);
        }
    }

    private static Proto.Share ToProto(Share share) => new()
    {
        Name = share.Name,
        Record = share.Record,
        Recipient = CommonMapping.ToProto(share.Recipient),
        Handling = CommonMapping.ToProto(share.Handling),
        Purpose = share.Purpose,
        SharedBy = share.SharedBy,
        CreateTime = Timestamp.FromDateTimeOffset(share.CreateTime),
        RevokeTime = share.RevokeTime is { } revoked ? Timestamp.FromDateTimeOffset(revoked) : null,
    };
}
