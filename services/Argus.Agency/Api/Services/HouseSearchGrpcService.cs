using Microsoft.EntityFrameworkCore;
using Argus.Agency.Domain.Evidence;
using Argus.Agency.Domain.Arrests;
using Argus.Agency.Api.Mapping;
using Argus.Agency.Domain;
using Argus.Agency.Domain.HouseSearches;
using Argus.Agency.Persistence;
using Argus.Hosting.Errors;
using Argus.Client.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Searches.V1;

namespace Argus.Agency.Api.Services;

internal sealed class HouseSearchGrpcService(RecordStore store, IJurisdiction jurisdiction) : Proto.HouseSearchService.HouseSearchServiceBase
{
    [Authorize(ArgusScopes.SearchesRead)]
    public override async Task<Proto.GetHouseSearchResponse> GetHouseSearch(Proto.GetHouseSearchRequest request, ServerCallContext context)
    {
        var (operationId, id) = ResourceNames.Child(request.Name, HouseSearch.Collection, "name");
        var search = await store.GetAsync<HouseSearch>(operationId, id, HouseSearch.Collection, context.CancellationToken);
        return new() { HouseSearch = HouseSearchMapping.ToProto(search) };
    }

    [Authorize(ArgusScopes.SearchesRead)]
    public override async Task<Proto.ListHouseSearchesResponse> ListHouseSearches(Proto.ListHouseSearchesRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: true);
        var page = PageRequest.From(request.PageSize, request.PageToken, request.Parent);
        var result = await store.ListAsync<HouseSearch>(operationId, HouseSearch.Collection, page, request.Parent, context.CancellationToken);
        var response = new Proto.ListHouseSearchesResponse { NextPageToken = result.NextPageToken };
        response.HouseSearches.AddRange(result.Items.Select(HouseSearchMapping.ToProto));
        return response;
    }

    [Authorize(ArgusScopes.SearchesWrite)]
    public override async Task<Proto.CreateHouseSearchResponse> CreateHouseSearch(Proto.CreateHouseSearchRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: false);
        var key = IdempotencyKey.From(request.RequestId, request.Parent, request.HouseSearch);
        var search = new HouseSearch { OperationId = operationId, Id = ResourceNames.NewId() };
        var errors = new FieldErrors();
        HouseSearchMapping.Apply(request.HouseSearch, search, jurisdiction.Agency, errors);
        errors.ThrowIfAny();

        var created = await store.CreateAsync(search, key,
            () => store.RequireOperationAsync(operationId, context.CancellationToken), context.CancellationToken);
        return new() { HouseSearch = HouseSearchMapping.ToProto(created) };
    }

    [Authorize(ArgusScopes.SearchesWrite)]
    public override async Task<Proto.UpdateHouseSearchResponse> UpdateHouseSearch(Proto.UpdateHouseSearchRequest request, ServerCallContext context)
    {
        var change = request.HouseSearch ?? throw FieldErrors.Invalid("house_search", "is required.");
        var (operationId, id) = ResourceNames.Child(change.Name, HouseSearch.Collection, "house_search.name");
        var mask = UpdateMasks.Validate<Proto.HouseSearch>(request.UpdateMask, HouseSearchMapping.Updatable, "house_search");

        var target = store.Db.HouseSearches.Where(x => x.OperationId == operationId && x.Id == id);
        var updated = await store.UpdateAsync(target, change.Name, change.Etag, mask.Paths, search =>
        {
            var merged = HouseSearchMapping.ToProto(search);
            UpdateMasks.Merge(mask, change, merged);
            var errors = new FieldErrors();
            HouseSearchMapping.Apply(merged, search, jurisdiction.Agency, errors);
            errors.ThrowIfAny();
            return Task.CompletedTask;
        }, context.CancellationToken);
        return new() { HouseSearch = HouseSearchMapping.ToProto(updated) };
    }

    [Authorize(ArgusScopes.SearchesWrite)]
    public override async Task<Proto.DeleteHouseSearchResponse> DeleteHouseSearch(Proto.DeleteHouseSearchRequest request, ServerCallContext context)
    {
        var (operationId, id) = ResourceNames.Child(request.Name, HouseSearch.Collection, "name");
        var target = store.Db.HouseSearches.Where(x => x.OperationId == operationId && x.Id == id);
        await store.EraseAsync(target, request.Name, request.Etag, request.Reason, async search => await store.Db.Arrests.Where(a => a.OperationId == search.OperationId && a.HouseSearchId == search.Id).Select(a => a.Id).FirstOrDefaultAsync() is { } arrest
            ? ResourceNames.ChildName(search.OperationId, Arrest.Collection, arrest)
            : await store.Db.EvidenceItems.Where(e => e.OperationId == search.OperationId && e.HouseSearchId == search.Id).Select(e => e.Id).FirstOrDefaultAsync() is { } item
                ? ResourceNames.ChildName(search.OperationId, EvidenceItem.Collection, item)
                : null, context.CancellationToken);
        return new();
    }
}
