using Argus.Agency.Callers;
using Argus.Agency.Evidence.Custody;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Evidence.V1;

namespace Argus.Agency.Evidence;

internal sealed class EvidenceGrpcService(RecordStore store, CustodyBook custody, Caller caller, IJurisdiction jurisdiction, TimeProvider clock) : Proto.EvidenceService.EvidenceServiceBase
{
    private static readonly EvidenceKind Kind = EvidenceKind.Instance;

    [Authorize(ArgusScopes.EvidenceRead), OpenToPartners]
    public override async Task<Proto.GetEvidenceItemResponse> GetEvidenceItem(Proto.GetEvidenceItemRequest request, ServerCallContext context)
    {
        var item = await store.GetAsync<EvidenceItem>(Kind.ParseName(request.Name, "name"), context.CancellationToken);
        return new() { EvidenceItem = EvidenceMapping.ToProto(item) };
    }

    [Authorize(ArgusScopes.EvidenceRead), OpenToPartners]
    public override async Task<Proto.ListEvidenceItemsResponse> ListEvidenceItems(Proto.ListEvidenceItemsRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: true);
        var page = PageRequest.From(request.PageSize, request.PageToken, request.Parent);
        var result = await store.ListInOperationAsync<EvidenceItem>(operationId, page, request.Parent, context.CancellationToken);
        var response = new Proto.ListEvidenceItemsResponse { NextPageToken = result.NextPageToken };
        response.EvidenceItems.AddRange(result.Items.Select(EvidenceMapping.ToProto));
        return response;
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.CreateEvidenceItemResponse> CreateEvidenceItem(Proto.CreateEvidenceItemRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: false);
        var key = IdempotencyKey.From(request.RequestId, request.Parent, request.EvidenceItem);
        var item = new EvidenceItem { OperationId = operationId, Id = ResourceNames.NewId() };
        var errors = new FieldErrors();
        EvidenceMapping.Apply(request.EvidenceItem, item, errors);
        item.CheckRules(clock.GetUtcNow(), errors);
        errors.Check(item.Status is EvidenceStatus.Seized or EvidenceStatus.InStorage or default(EvidenceStatus), $"{EvidenceKind.RequestField}.status",
            "must be seized or in storage at registration; afterwards it follows the custody history.");
        errors.ThrowIfAny();

        var created = await store.CreateAsync(item, key, async () =>
        {
            await RequireUniqueExhibitNumberAsync(item, context.CancellationToken);
            // Its history begins with the registration: seized, held by whoever registered it.
            custody.Seizure(item, new CustodyActor(jurisdiction.Agency, caller.ClientId), CustodyTimeZones.Of(jurisdiction.Agency));
        }, context.CancellationToken);
        return new() { EvidenceItem = EvidenceMapping.ToProto(created) };
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.UpdateEvidenceItemResponse> UpdateEvidenceItem(Proto.UpdateEvidenceItemRequest request, ServerCallContext context)
    {
        var change = request.EvidenceItem ?? throw FieldErrors.Invalid("evidence_item", "is required.");
        var name = Kind.ParseName(change.Name, "evidence_item.name");
        var mask = UpdateMasks.Validate<Proto.EvidenceItem>(request.UpdateMask, EvidenceMapping.Updatable, "evidence_item");

        var updated = await store.UpdateAsync<EvidenceItem>(name, change.Etag, mask.Paths, async item =>
        {
            var merged = EvidenceMapping.ToProto(item);
            UpdateMasks.Merge(mask, change, merged);
            var errors = new FieldErrors();
            EvidenceMapping.Apply(merged, item, errors);
            item.CheckRules(clock.GetUtcNow(), errors);
            errors.ThrowIfAny();
            await RequireUniqueExhibitNumberAsync(item, context.CancellationToken);
        }, context.CancellationToken);
        return new() { EvidenceItem = EvidenceMapping.ToProto(updated) };
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.DeleteEvidenceItemResponse> DeleteEvidenceItem(Proto.DeleteEvidenceItemRequest request, ServerCallContext context)
    {
        await store.EraseAsync<EvidenceItem>(Kind.ParseName(request.Name, "name"), request.Etag, request.Reason, context.CancellationToken);
        return new();
    }

    /// <summary>An exhibit number names one item in its operation (the unique index decides a race).</summary>
    private async Task RequireUniqueExhibitNumberAsync(EvidenceItem item, CancellationToken cancellationToken)
    {
        var (operationId, exhibit, id) = (item.OperationId, item.ExhibitNumber, item.Id);
        if (await store.AnyAsync<EvidenceItem>(x => x.OperationId == operationId && x.ExhibitNumber == exhibit && x.Id != id, cancellationToken))
        {
            throw new ResourceAlreadyExistsException($"Exhibit number {item.ExhibitNumber} is already used in operations/{item.OperationId}.");
        }
    }
}
