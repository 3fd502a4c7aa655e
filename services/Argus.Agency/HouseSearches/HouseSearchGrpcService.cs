using Argus.Agency.Callers;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Searches.V1;

namespace Argus.Agency.HouseSearches;

internal sealed class HouseSearchGrpcService(RecordStore store, IJurisdiction jurisdiction) : Proto.HouseSearchService.HouseSearchServiceBase
{
    private static readonly HouseSearchKind Kind = HouseSearchKind.Instance;

    [Authorize(ArgusScopes.SearchesRead), OpenToPartners]
    public override async Task<Proto.GetHouseSearchResponse> GetHouseSearch(Proto.GetHouseSearchRequest request, ServerCallContext context)
    {
        var search = await store.GetAsync<HouseSearch>(Kind.ParseName(request.Name, "name"), context.CancellationToken);
        return new() { HouseSearch = HouseSearchMapping.ToProto(search) };
    }

    [Authorize(ArgusScopes.SearchesRead), OpenToPartners]
    public override async Task<Proto.ListHouseSearchesResponse> ListHouseSearches(Proto.ListHouseSearchesRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: true);
        var page = PageRequest.From(request.PageSize, request.PageToken, request.Parent);
        var result = await store.ListInOperationAsync<HouseSearch>(operationId, page, request.Parent, context.CancellationToken);
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

        var created = await store.CreateAsync(search, key, validate: null, context.CancellationToken);
        return new() { HouseSearch = HouseSearchMapping.ToProto(created) };
    }

    [Authorize(ArgusScopes.SearchesWrite)]
    public override async Task<Proto.UpdateHouseSearchResponse> UpdateHouseSearch(Proto.UpdateHouseSearchRequest request, ServerCallContext context)
    {
        var change = request.HouseSearch ?? throw FieldErrors.Invalid("house_search", "is required.");
        var name = Kind.ParseName(change.Name, "house_search.name");
        var mask = UpdateMasks.Validate<Proto.HouseSearch>(request.UpdateMask, HouseSearchMapping.Updatable, "house_search");

        var updated = await store.UpdateAsync<HouseSearch>(name, change.Etag, mask.Paths, search =>
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
        await store.EraseAsync<HouseSearch>(Kind.ParseName(request.Name, "name"), request.Etag, request.Reason, context.CancellationToken);
        return new();
    }
}
