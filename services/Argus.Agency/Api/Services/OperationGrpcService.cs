using Argus.Agency.Api.Mapping;
using Argus.Agency.Domain;
using Argus.Agency.Domain.Operations;
using Argus.Agency.Persistence;
using Argus.Hosting.Errors;
using Argus.Client.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Proto = Argus.Operations.V1;

namespace Argus.Agency.Api.Services;

internal sealed class OperationGrpcService(RecordStore store, IJurisdiction jurisdiction) : Proto.OperationService.OperationServiceBase
{
    [Authorize(ArgusScopes.OperationsRead)]
    public override async Task<Proto.GetOperationResponse> GetOperation(Proto.GetOperationRequest request, ServerCallContext context)
    {
        var id = ResourceNames.Operation(request.Name, "name");
        var operation = await store.GetOperationAsync(id, context.CancellationToken);
        return new() { Operation = OperationMapping.ToProto(operation) };
    }

    [Authorize(ArgusScopes.OperationsRead)]
    public override async Task<Proto.ListOperationsResponse> ListOperations(Proto.ListOperationsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var status = request.Status == Proto.OperationStatus.Unspecified
            ? (OperationStatus?)null
            : Input.Enum<Proto.OperationStatus, OperationStatus>(request.Status, "status", errors);
        errors.ThrowIfAny();

        var query = $"status={request.Status}";
        var page = PageRequest.From(request.PageSize, request.PageToken, query);
        var operations = store.VisibleOperations();
        if (status is { } wanted)
        {
            operations = operations.Where(x => x.Status == wanted);
        }

        var result = await store.PageAsync(operations, page, query, context.CancellationToken);
        var response = new Proto.ListOperationsResponse { NextPageToken = result.NextPageToken };
        response.Operations.AddRange(result.Items.Select(OperationMapping.ToProto));
        return response;
    }

    [Authorize(ArgusScopes.OperationsWrite)]
    public override async Task<Proto.CreateOperationResponse> CreateOperation(Proto.CreateOperationRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var id = request.OperationId.Length == 0 ? ResourceNames.NewId() : request.OperationId;
        errors.Check(ResourceNames.IsValidOperationId(id), "operation_id",
            "must be 3 to 63 lower-case letters, digits and hyphens, starting with a letter, e.g. \"argus\".");
        var key = IdempotencyKey.From(request.RequestId, request.OperationId, request.Operation);
        var operation = new Operation { Id = id };
        OperationMapping.Apply(request.Operation, operation, jurisdiction, errors);
        errors.ThrowIfAny();

        var created = await store.CreateAsync(operation, key, async () =>
        {
            if (await store.Db.Operations.AnyAsync(x => x.Id == id, context.CancellationToken))
            {
                throw new ResourceAlreadyExistsException($"{Operation.ResourceName(id)} already exists.");
            }
        }, context.CancellationToken);
        return new() { Operation = OperationMapping.ToProto(created) };
    }

    [Authorize(ArgusScopes.OperationsWrite)]
    public override async Task<Proto.UpdateOperationResponse> UpdateOperation(Proto.UpdateOperationRequest request, ServerCallContext context)
    {
        var change = request.Operation ?? throw FieldErrors.Invalid("operation", "is required.");
        var id = ResourceNames.Operation(change.Name, "operation.name");
        var mask = UpdateMasks.Validate<Proto.Operation>(request.UpdateMask, OperationMapping.Updatable, "operation");

        var updated = await store.UpdateAsync(store.Db.Operations.Where(x => x.Id == id), change.Name, change.Etag, mask.Paths, operation =>
        {
            var merged = OperationMapping.ToProto(operation);
            UpdateMasks.Merge(mask, change, merged);
            var errors = new FieldErrors();
            OperationMapping.Apply(merged, operation, jurisdiction, errors);
            errors.ThrowIfAny();
            return Task.CompletedTask;
        }, context.CancellationToken);
        return new() { Operation = OperationMapping.ToProto(updated) };
    }
}
