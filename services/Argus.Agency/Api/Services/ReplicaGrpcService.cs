using Argus.Agency.Api.Mapping;
using Argus.Agency.Audit;
using Argus.Agency.Persistence;
using Argus.Agency.Domain.Shared;
using Argus.Agency.Replica;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Replica.V1;
using ProtoCommon = Argus.Common.V1;
using Shared = Argus.Agency.Domain.Shared;

namespace Argus.Agency.Api.Services;

/// <summary>This agency's copies of what partners shared with it, for its own callers only.</summary>
[Authorize(ArgusScopes.Exchange)]
internal sealed class ReplicaGrpcService(AgencyDbContext db, RecordAccess access, ProcessingLog log) : Proto.ReplicaService.ReplicaServiceBase
{
    public override async Task<Proto.GetForeignRecordResponse> GetForeignRecord(Proto.GetForeignRecordRequest request, ServerCallContext context)
    {
        OwnCallersOnly();
        var (owner, record) = ParseName(request.Name);
        var copy = await db.ForeignRecords.AsNoTracking().FirstOrDefaultAsync(c => c.Owner == owner && c.Record == record, context.CancellationToken)
            ?? throw new ResourceNotFoundException(request.Name);
        await log.ConsultedAsync(new ProcessingEvent(ProcessingAction.Consultation, copy.Name));
        return new() { ForeignRecord = ToProto(copy) };
    }

    public override async Task<Proto.ListForeignRecordsResponse> ListForeignRecords(Proto.ListForeignRecordsRequest request, ServerCallContext context)
    {
        OwnCallersOnly();
        var errors = new FieldErrors();
        var owner = request.Owner == ProtoCommon.AgencyCode.Unspecified
            ? (Shared.AgencyCode?)null
            : Input.Enum<ProtoCommon.AgencyCode, Shared.AgencyCode>(request.Owner, "owner", errors);
        errors.ThrowIfAny();
        var query = $"owner={request.Owner}";
        var page = PageRequest.From(request.PageSize, request.PageToken, query);
        var copies = db.ForeignRecords.AsNoTracking().Where(c => c.Sequence > page.After);
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

    /// <summary>A partner asking for our copy of someone's record would be onward sharing.</summary>
    private void OwnCallersOnly()
    {
        if (access.CallerIsPartner)
        {
            throw new AccessDeniedException("Copies of records shared with this agency are for its own use; they are not passed on.");
        }
    }

    private static (Shared.AgencyCode Owner, string Record) ParseName(string name)
    {
        var parts = name.Split('/', 3);
        if (parts is [ForeignRecord.Collection, var owner, var record]
            && System.Enum.TryParse<Shared.AgencyCode>(owner, ignoreCase: true, out var code) && owner == code.Code()
            && OwnerRecords.TryKindOf(record, out _))
        {
            return (code, record);
        }

        throw FieldErrors.Invalid("name", "must be \"partners/{owner}/{record}\", e.g. \"partners/nl/operations/argus/arrests/…\".");
    }

    private static Proto.ForeignRecord ToProto(ForeignRecord copy)
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
        switch (copy.Kind)
        {
            case ForeignRecordKind.Operation: proto.Operation = JsonParser.Default.Parse<Operations.V1.Operation>(copy.Content); break;
            case ForeignRecordKind.HouseSearch: proto.HouseSearch = JsonParser.Default.Parse<Searches.V1.HouseSearch>(copy.Content); break;
            case ForeignRecordKind.Arrest: proto.Arrest = JsonParser.Default.Parse<Arrests.V1.Arrest>(copy.Content); break;
            default: proto.EvidenceItem = JsonParser.Default.Parse<Evidence.V1.EvidenceItem>(copy.Content); break;
        }

        return proto;
    }
}
