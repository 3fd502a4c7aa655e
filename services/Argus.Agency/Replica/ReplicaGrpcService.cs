using Argus.Agency.Records;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Persistence;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Replica.V1;
using ProtoCommon = Argus.Common.V1;
using Shared = Argus.Agency.Shared;

namespace Argus.Agency.Replica;

/// <summary>This agency's copies of what partners shared with it, for its own callers only: a partner asking for our copy of someone's record would be onward sharing, so nothing here is open to partners.</summary>
[Authorize(ArgusScopes.Exchange)]
internal sealed class ReplicaGrpcService(AgencyDbContext db, RecordKinds kinds, RequestProcessingLog log) : Proto.ReplicaService.ReplicaServiceBase
{
    public override async Task<Proto.GetForeignRecordResponse> GetForeignRecord(Proto.GetForeignRecordRequest request, ServerCallContext context)
    {
        var (owner, record) = ParseName(request.Name);
        var copy = await db.Set<ForeignRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Owner == owner && c.Record == record, context.CancellationToken)
            ?? throw new ResourceNotFoundException(request.Name);
        await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Consultation, copy.Name));
        return new() { ForeignRecord = ToProto(copy) };
    }

    public override async Task<Proto.ListForeignRecordsResponse> ListForeignRecords(Proto.ListForeignRecordsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var owner = request.Owner == ProtoCommon.AgencyCode.Unspecified
            ? (Shared.AgencyCode?)null
            : Input.Enum<ProtoCommon.AgencyCode, Shared.AgencyCode>(request.Owner, "owner", errors);
        errors.ThrowIfAny();
        var query = $"owner={request.Owner}";
        var page = PageRequest.From(request.PageSize, request.PageToken, query);
        var copies = db.Set<ForeignRecord>().AsNoTracking().Where(c => c.Sequence > page.After);
        if (owner is { } code)
        {
            copies = copies.Where(c => c.Owner == code);
        }

        var items = await copies.OrderBy(c => c.Sequence).Take(page.Size + 1).ToListAsync(context.CancellationToken);
        var response = new Proto.ListForeignRecordsResponse();
        if (items.Count > page.Size)
        {
            items.RemoveAt(page.Size);
            response.NextPageToken = PageRequest.NextToken(items[^1].Sequence, query);
        }

        if (items.Count > 0)
        {
            await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Consultation, "list foreign records", string.Join(' ', items.Select(c => c.Name))));
        }

        response.ForeignRecords.AddRange(items.Select(ToProto));
        return response;
    }

    private (Shared.AgencyCode Owner, string Record) ParseName(string name)
    {
        var parts = name.Split('/', 3);
        if (parts is [ForeignRecord.Collection, var owner, var record]
            && System.Enum.TryParse<Shared.AgencyCode>(owner, ignoreCase: true, out var code) && owner == code.Code()
            && kinds.TryParse(record, out _))
        {
            return (code, record);
        }

        throw FieldErrors.Invalid("name", "must be \"partners/{owner}/{record}\", e.g. \"partners/nl/operations/argus/arrests/…\".");
    }

    private Proto.ForeignRecord ToProto(ForeignRecord copy)
    {
        var proto = new Proto.ForeignRecord
        {
            Name = copy.Name,
            Record = copy.Record,
            Owner = CommonMapping.ToProto(copy.Owner),
            HandlingCode = EnumMap<Shared.HandlingCode, ProtoCommon.HandlingCode>.Convert(copy.HandlingCode),
            HandlingRestrictions = copy.HandlingRestrictions ?? "",
            Version = copy.Version,
            ReceiveTime = Timestamp.FromDateTimeOffset(copy.ReceiveTime),
            OwnerUpdateTime = Timestamp.FromDateTimeOffset(copy.OwnerUpdateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(copy.UpdateTime),
        };
        var kind = kinds.ByName(copy.Kind);
        kind.ShowCopy(proto, JsonParser.Default.Parse(copy.Content, kind.Message));
        return proto;
    }
}
