using Argus.Agency.Api.Mapping;
using Argus.Agency.Domain.Arrests;
using Argus.Agency.Domain.Evidence;
using Argus.Agency.Domain.HouseSearches;
using Argus.Agency.Persistence;
using Argus.Hosting.Errors;
using Argus.Client.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Evidence.V1;

namespace Argus.Agency.Api.Services;

internal sealed class EvidenceGrpcService(RecordStore store, TimeProvider clock) : Proto.EvidenceService.EvidenceServiceBase
{
    [Authorize(ArgusScopes.EvidenceRead)]
    public override async Task<Proto.GetEvidenceItemResponse> GetEvidenceItem(Proto.GetEvidenceItemRequest request, ServerCallContext context)
    {
        var (operationId, id) = ResourceNames.Child(request.Name, EvidenceItem.Collection, "name");
        var item = await store.GetAsync<EvidenceItem>(operationId, id, EvidenceItem.Collection, context.CancellationToken);
        return new() { EvidenceItem = EvidenceMapping.ToProto(item) };
    }

    [Authorize(ArgusScopes.EvidenceRead)]
    public override async Task<Proto.ListEvidenceItemsResponse> ListEvidenceItems(Proto.ListEvidenceItemsRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: true);
        var page = PageRequest.From(request.PageSize, request.PageToken, request.Parent);
        var result = await store.ListAsync<EvidenceItem>(operationId, EvidenceItem.Collection, page, request.Parent, context.CancellationToken);
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
        EvidenceMapping.Apply(request.EvidenceItem, item, clock.GetUtcNow(), errors);
        errors.ThrowIfAny();

        var created = await store.CreateAsync(item, key, async () =>
        {
            await store.RequireOperationAsync(operationId, context.CancellationToken);
            await CheckLinksAndExhibitNumberAsync(item, context.CancellationToken);
        }, context.CancellationToken);
        return new() { EvidenceItem = EvidenceMapping.ToProto(created) };
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.UpdateEvidenceItemResponse> UpdateEvidenceItem(Proto.UpdateEvidenceItemRequest request, ServerCallContext context)
    {
        var change = request.EvidenceItem ?? throw FieldErrors.Invalid("evidence_item", "is required.");
        var (operationId, id) = ResourceNames.Child(change.Name, EvidenceItem.Collection, "evidence_item.name");
        var mask = UpdateMasks.Validate<Proto.EvidenceItem>(request.UpdateMask, EvidenceMapping.Updatable, "evidence_item");

        var target = store.Db.EvidenceItems.Where(x => x.OperationId == operationId && x.Id == id);
        var updated = await store.UpdateAsync(target, change.Name, change.Etag, mask.Paths, async item =>
        {
            var merged = EvidenceMapping.ToProto(item);
            UpdateMasks.Merge(mask, change, merged);
            var errors = new FieldErrors();
            EvidenceMapping.Apply(merged, item, clock.GetUtcNow(), errors);
            errors.ThrowIfAny();
            await CheckLinksAndExhibitNumberAsync(item, context.CancellationToken);
        }, context.CancellationToken);
        return new() { EvidenceItem = EvidenceMapping.ToProto(updated) };
    }

    [Authorize(ArgusScopes.EvidenceWrite)]
    public override async Task<Proto.DeleteEvidenceItemResponse> DeleteEvidenceItem(Proto.DeleteEvidenceItemRequest request, ServerCallContext context)
    {
        var (operationId, id) = ResourceNames.Child(request.Name, EvidenceItem.Collection, "name");
        var target = store.Db.EvidenceItems.Where(x => x.OperationId == operationId && x.Id == id);
        await store.EraseAsync(target, request.Name, request.Etag, request.Reason, _ => Task.FromResult<string?>(null), context.CancellationToken);
        return new();
    }

    private async Task CheckLinksAndExhibitNumberAsync(EvidenceItem item, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (item.HouseSearchId is { } search && !await store.ExistsAsync<HouseSearch>(item.OperationId, search, cancellationToken))
        {
            errors.Add("evidence_item.house_search", $"{ResourceNames.ChildName(item.OperationId, HouseSearch.Collection, search)} does not exist.");
        }

        if (item.ArrestId is { } arrest && !await store.ExistsAsync<Arrest>(item.OperationId, arrest, cancellationToken))
        {
            errors.Add("evidence_item.arrest", $"{ResourceNames.ChildName(item.OperationId, Arrest.Collection, arrest)} does not exist.");
        }

        errors.ThrowIfAny();
        if (await store.Db.EvidenceItems.AnyAsync(x => x.OperationId == item.OperationId && x.ExhibitNumber == item.ExhibitNumber && x.Id != item.Id, cancellationToken))
        {
            throw new ResourceAlreadyExistsException($"Exhibit number {item.ExhibitNumber} is already used in operations/{item.OperationId}.");
        }
    }
}
