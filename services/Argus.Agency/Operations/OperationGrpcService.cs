using Argus.Agency.Callers;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Operations.V1;

namespace Argus.Agency.Operations;

internal sealed class OperationGrpcService(RecordStore store, IJurisdiction jurisdiction) : Proto.OperationService.OperationServiceBase
{
    private static readonly OperationKind Kind = OperationKind.Instance;

    [Authorize(ArgusScopes.OperationsRead), OpenToPartners]
    public override async Task<Proto.GetOperationResponse> GetOperation(Proto.GetOperationRequest request, ServerCallContext context)
    {
        var operation = await store.GetAsync<Operation>(Kind.ParseName(request.Name, "name"), context.CancellationToken);
        return new() { Operation = OperationMapping.ToProto(operation) };
    }

    [Authorize(ArgusScopes.OperationsRead), OpenToPartners]
    public override async Task<Proto.ListOperationsResponse> ListOperations(Proto.ListOperationsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var status = request.Status == Proto.OperationStatus.Unspecified
            ? (OperationStatus?)null
            : Input.Enum<Proto.OperationStatus, OperationStatus>(request.Status, "status", errors);
        errors.ThrowIfAny();

        var query = $"status={request.Status}";
        var page = PageRequest.From(request.PageSize, request.PageToken, query);
        var result = await store.ListAsync<Operation>(page, query, status is { } wanted ? operations => operations.Where(x => x.Status == wanted) : null, context.CancellationToken);
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
        operation.CheckRules(jurisdiction.Agency, errors);
        errors.ThrowIfAny();

        var created = await store.CreateAsync(operation, key, async () =>
        {
            if (await store.ExistsAsync(Kind.NameOf(id), context.CancellationToken))
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
        var name = Kind.ParseName(change.Name, "operation.name");
        var mask = UpdateMasks.Validate<Proto.Operation>(request.UpdateMask, OperationMapping.Updatable, "operation");

        var updated = await store.UpdateAsync<Operation>(name, change.Etag, mask.Paths, operation =>
        {
            var merged = OperationMapping.ToProto(operation);
            UpdateMasks.Merge(mask, change, merged);
            var errors = new FieldErrors();
            OperationMapping.Apply(merged, operation, jurisdiction, errors);
            operation.CheckRules(jurisdiction.Agency, errors);
            errors.ThrowIfAny();
            return Task.CompletedTask;
        }, context.CancellationToken);
        return new() { Operation = OperationMapping.ToProto(updated) };
    }
}
