using Argus.Agency.Callers;
using Argus.Agency.Outbox;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Events;
using Argus.Hosting.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Exchange.V1;
using ProtoCommon = Argus.Common.V1;

namespace Argus.Agency.Sharing;

/// <summary>The owner shares its records with partner agencies and revokes what it shared; partners catch up with Sync.</summary>
[Authorize(ArgusScopes.Exchange)]
internal sealed class ExchangeGrpcService(RecordSharing sharing, SyncFeed feed, RecordKinds kinds, Caller caller, IJurisdiction jurisdiction)
    : Proto.ExchangeService.ExchangeServiceBase
{
    public override async Task<Proto.ShareRecordResponse> ShareRecord(Proto.ShareRecordRequest request, ServerCallContext context)
    {
        var proposal = request.Share ?? throw FieldErrors.Invalid("share", "is required.");
        var errors = new FieldErrors();
        var recipient = Input.Enum<ProtoCommon.AgencyCode, AgencyCode>(proposal.Recipient, "share.recipient", errors);
        errors.Check(recipient == default || recipient != jurisdiction.Agency, "share.recipient", "is this agency itself; name a partner agency.");
        var handling = CommonMapping.ToDomain(proposal.Handling, "share.handling", errors);
        var purpose = Input.Text(proposal.Purpose, "share.purpose", errors, 500, required: true);
        if (!kinds.TryParse(proposal.Record, out var record))
        {
            errors.Add("share.record", $"must name {kinds.Describe()}.");
        }

        errors.ThrowIfAny();
        var share = await sharing.ShareAsync(new ShareProposal(record, recipient, handling, purpose), context.CancellationToken);
        return new() { Share = ToProto(share) };
    }

    public override async Task<Proto.RevokeShareResponse> RevokeShare(Proto.RevokeShareRequest request, ServerCallContext context)
    {
        var (operationId, id) = ResourceNames.Child(request.Name, Share.Collection, "name");
        return new() { Share = ToProto(await sharing.RevokeAsync(operationId, id, context.CancellationToken)) };
    }

    public override async Task<Proto.ListSharesResponse> ListShares(Proto.ListSharesRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: false);
        var response = new Proto.ListSharesResponse();
        response.Shares.AddRange((await sharing.ListAsync(operationId, context.CancellationToken)).Select(ToProto));
        return response;
    }

    [OpenToPartners]
    public override async Task Sync(Proto.SyncRequest request, IServerStreamWriter<Proto.SyncResponse> responseStream, ServerCallContext context)
    {
        if (request.AfterCursor < 0)
        {
            throw FieldErrors.Invalid("after_cursor", "must not be negative.");
        }

        // The caller's routing key: its agency, or this agency for the owner's own callers.
        var route = caller.IsPartner ? caller.Agency!.ToLowerInvariant() : jurisdiction.Agency.Code();
        await foreach (var item in feed.ReadAsync(route, request.AfterCursor, context.CancellationToken))
        {
            var response = new Proto.SyncResponse
            {
                Cursor = item.Cursor,
                Event = EntityNames.Of(item.Type),
                EventId = item.Event.EventId.ToString(),
                Record = item.Event.Record,
                OccurTime = Timestamp.FromDateTimeOffset(item.Event.OccurredAt),
            };
            if (item.Event is IRecordEvent change)
            {
                response.Version = change.Version;
                response.HandlingCode = EnumMap<HandlingCode, ProtoCommon.HandlingCode>.Convert(System.Enum.Parse<HandlingCode>(change.HandlingCode));
            }

            await responseStream.WriteAsync(response, context.CancellationToken);
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
