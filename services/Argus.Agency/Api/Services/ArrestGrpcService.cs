using Microsoft.EntityFrameworkCore;
using Argus.Agency.Domain.Evidence;
using Argus.Agency.Api.Mapping;
using Argus.Agency.Domain;
using Argus.Agency.Domain.Arrests;
using Argus.Agency.Domain.HouseSearches;
using Argus.Agency.Persistence;
using Argus.Hosting.Errors;
using Argus.Client.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Arrests.V1;

namespace Argus.Agency.Api.Services;

internal sealed class ArrestGrpcService(RecordStore store, IJurisdiction jurisdiction, TimeProvider clock) : Proto.ArrestService.ArrestServiceBase
{
    [Authorize(ArgusScopes.ArrestsRead)]
    public override async Task<Proto.GetArrestResponse> GetArrest(Proto.GetArrestRequest request, ServerCallContext context)
    {
        var (operationId, id) = ResourceNames.Child(request.Name, Arrest.Collection, "name");
        var arrest = await store.GetAsync<Arrest>(operationId, id, Arrest.Collection, context.CancellationToken);
        return new() { Arrest = ArrestMapping.ToProto(arrest) };
    }

    [Authorize(ArgusScopes.ArrestsRead)]
    public override async Task<Proto.ListArrestsResponse> ListArrests(Proto.ListArrestsRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: true);
        var page = PageRequest.From(request.PageSize, request.PageToken, request.Parent);
        var result = await store.ListAsync<Arrest>(operationId, Arrest.Collection, page, request.Parent, context.CancellationToken);
        var response = new Proto.ListArrestsResponse { NextPageToken = result.NextPageToken };
        response.Arrests.AddRange(result.Items.Select(ArrestMapping.ToProto));
        return response;
    }

    [Authorize(ArgusScopes.ArrestsWrite)]
    public override async Task<Proto.CreateArrestResponse> CreateArrest(Proto.CreateArrestRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: false);
        var key = IdempotencyKey.From(request.RequestId, request.Parent, request.Arrest);
        var arrest = new Arrest { OperationId = operationId, Id = ResourceNames.NewId() };
        var errors = new FieldErrors();
        ArrestMapping.Apply(request.Arrest, arrest, jurisdiction.Agency, clock.GetUtcNow(), errors);
        errors.ThrowIfAny();

        var created = await store.CreateAsync(arrest, key, async () =>
        {
            await store.RequireOperationAsync(operationId, context.CancellationToken);
            await CheckLinksAsync(arrest, context.CancellationToken);
        }, context.CancellationToken);
        return new() { Arrest = ArrestMapping.ToProto(created) };
    }

    [Authorize(ArgusScopes.ArrestsWrite)]
    public override async Task<Proto.UpdateArrestResponse> UpdateArrest(Proto.UpdateArrestRequest request, ServerCallContext context)
    {
        var change = request.Arrest ?? throw FieldErrors.Invalid("arrest", "is required.");
        var (operationId, id) = ResourceNames.Child(change.Name, Arrest.Collection, "arrest.name");
        var mask = UpdateMasks.Validate<Proto.Arrest>(request.UpdateMask, ArrestMapping.Updatable, "arrest");

        var target = store.Db.Arrests.Where(x => x.OperationId == operationId && x.Id == id);
        var updated = await store.UpdateAsync(target, change.Name, change.Etag, mask.Paths, async arrest =>
        {
            var merged = ArrestMapping.ToProto(arrest);
            UpdateMasks.Merge(mask, change, merged);
            var errors = new FieldErrors();
            ArrestMapping.Apply(merged, arrest, jurisdiction.Agency, clock.GetUtcNow(), errors);
            errors.ThrowIfAny();
            await CheckLinksAsync(arrest, context.CancellationToken);
        }, context.CancellationToken);
        return new() { Arrest = ArrestMapping.ToProto(updated) };
    }

    [Authorize(ArgusScopes.ArrestsWrite)]
    public override async Task<Proto.DeleteArrestResponse> DeleteArrest(Proto.DeleteArrestRequest request, ServerCallContext context)
    {
        var (operationId, id) = ResourceNames.Child(request.Name, Arrest.Collection, "name");
        var target = store.Db.Arrests.Where(x => x.OperationId == operationId && x.Id == id);
        await store.EraseAsync(target, request.Name, request.Etag, request.Reason, async arrest => await store.Db.EvidenceItems.Where(e => e.OperationId == arrest.OperationId && e.ArrestId == arrest.Id).Select(e => e.Id).FirstOrDefaultAsync() is { } item
            ? ResourceNames.ChildName(arrest.OperationId, EvidenceItem.Collection, item)
            : null, context.CancellationToken);
        return new();
    }

    private async Task CheckLinksAsync(Arrest arrest, CancellationToken cancellationToken)
    {
        if (arrest.HouseSearchId is { } search && !await store.ExistsAsync<HouseSearch>(arrest.OperationId, search, cancellationToken))
        {
            throw FieldErrors.Invalid("arrest.house_search", $"{ResourceNames.ChildName(arrest.OperationId, HouseSearch.Collection, search)} does not exist.");
        }
    }
}
