using Argus.Agency.Callers;
using Argus.Agency.Intercepts.Messages;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Intercepts.V1;

namespace Argus.Agency.Intercepts;

internal sealed class InterceptDatasetGrpcService(RecordStore store, DatasetContentsBook contents) : Proto.InterceptDatasetService.InterceptDatasetServiceBase
{
    private static readonly InterceptDatasetKind Kind = InterceptDatasetKind.Instance;

    [Authorize(ArgusScopes.InterceptsRead), OpenToPartners]
    public override async Task<Proto.GetInterceptDatasetResponse> GetInterceptDataset(Proto.GetInterceptDatasetRequest request, ServerCallContext context)
    {
        var dataset = await store.GetAsync<InterceptDataset>(Kind.ParseName(request.Name, "name"), context.CancellationToken);
        return new() { InterceptDataset = InterceptDatasetMapping.ToProto(dataset) };
    }

    [Authorize(ArgusScopes.InterceptsRead), OpenToPartners]
    public override async Task<Proto.ListInterceptDatasetsResponse> ListInterceptDatasets(Proto.ListInterceptDatasetsRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: true);
        var page = PageRequest.From(request.PageSize, request.PageToken, request.Parent);
        var result = await store.ListInOperationAsync<InterceptDataset>(operationId, page, request.Parent, context.CancellationToken);
        var response = new Proto.ListInterceptDatasetsResponse { NextPageToken = result.NextPageToken };
        response.InterceptDatasets.AddRange(result.Items.Select(InterceptDatasetMapping.ToProto));
        return response;
    }

    [Authorize(ArgusScopes.InterceptsWrite)]
    public override async Task<Proto.CreateInterceptDatasetResponse> CreateInterceptDataset(Proto.CreateInterceptDatasetRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: false);
        var key = IdempotencyKey.From(request.RequestId, request.Parent, request.InterceptDataset);
        var dataset = new InterceptDataset { OperationId = operationId, Id = ResourceNames.NewId() };
        var errors = new FieldErrors();
        InterceptDatasetMapping.Apply(request.InterceptDataset, dataset, errors);
        errors.ThrowIfAny();

        var created = await store.CreateAsync(dataset, key, validate: null, context.CancellationToken);
        return new() { InterceptDataset = InterceptDatasetMapping.ToProto(created) };
    }

    [Authorize(ArgusScopes.InterceptsWrite)]
    public override async Task<Proto.UpdateInterceptDatasetResponse> UpdateInterceptDataset(Proto.UpdateInterceptDatasetRequest request, ServerCallContext context)
    {
        var change = request.InterceptDataset ?? throw FieldErrors.Invalid("intercept_dataset", "is required.");
        var name = Kind.ParseName(change.Name, "intercept_dataset.name");
        var mask = UpdateMasks.Validate<Proto.InterceptDataset>(request.UpdateMask, InterceptDatasetMapping.Updatable, "intercept_dataset");

        var updated = await store.UpdateAsync<InterceptDataset>(name, change.Etag, mask.Paths, dataset =>
        {
            var merged = InterceptDatasetMapping.ToProto(dataset);
            UpdateMasks.Merge(mask, change, merged);
            var errors = new FieldErrors();
            InterceptDatasetMapping.Apply(merged, dataset, errors);
            errors.ThrowIfAny();
            return Task.CompletedTask;
        }, context.CancellationToken);
        return new() { InterceptDataset = InterceptDatasetMapping.ToProto(updated) };
    }

    /// <summary>Erases the record and, with it, the messages (the bulk tables are not the record store's).</summary>
    [Authorize(ArgusScopes.InterceptsWrite)]
    public override async Task<Proto.DeleteInterceptDatasetResponse> DeleteInterceptDataset(Proto.DeleteInterceptDatasetRequest request, ServerCallContext context)
    {
        var name = Kind.ParseName(request.Name, "name");
        await store.EraseAsync<InterceptDataset>(name, request.Etag, request.Reason, context.CancellationToken);
        await contents.ForgetOwnAsync(request.Name, context.CancellationToken);
        return new();
    }
}
