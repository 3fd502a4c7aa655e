using Argus.Agency.Callers;
using Argus.Agency.Persistence;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Argus.Arrests.V1;

namespace Argus.Agency.Arrests;

internal sealed class ArrestGrpcService(RecordStore store, AgencyDbContext db, IJurisdiction jurisdiction, TimeProvider clock) : Proto.ArrestService.ArrestServiceBase
{
    private static readonly ArrestKind Kind = ArrestKind.Instance;

    [Authorize(ArgusScopes.ArrestsRead), OpenToPartners]
    public override async Task<Proto.GetArrestResponse> GetArrest(Proto.GetArrestRequest request, ServerCallContext context)
    {
        var arrest = await store.GetAsync<Arrest>(Kind.ParseName(request.Name, "name"), context.CancellationToken);
        return new() { Arrest = ArrestMapping.ToProto(arrest) };
    }

    [Authorize(ArgusScopes.ArrestsRead), OpenToPartners]
    public override async Task<Proto.ListArrestsResponse> ListArrests(Proto.ListArrestsRequest request, ServerCallContext context)
    {
        var operationId = ResourceNames.Parent(request.Parent, "parent", allowAny: true);
        var page = PageRequest.From(request.PageSize, request.PageToken, request.Parent);
        var result = await store.ListInOperationAsync<Arrest>(operationId, page, request.Parent, context.CancellationToken);
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
        var now = clock.GetUtcNow();
        ArrestMapping.Apply(request.Arrest, arrest, jurisdiction.Agency, now, errors);
        arrest.CheckRules(now, errors);
        errors.ThrowIfAny();
        arrest.IndexSubjectHandles();

        var created = await store.CreateAsync(arrest, key, validate: null, context.CancellationToken);
        return new() { Arrest = ArrestMapping.ToProto(created) };
    }

    [Authorize(ArgusScopes.ArrestsWrite)]
    public override async Task<Proto.UpdateArrestResponse> UpdateArrest(Proto.UpdateArrestRequest request, ServerCallContext context)
    {
        var change = request.Arrest ?? throw FieldErrors.Invalid("arrest", "is required.");
        var name = Kind.ParseName(change.Name, "arrest.name");
        var mask = UpdateMasks.Validate<Proto.Arrest>(request.UpdateMask, ArrestMapping.Updatable, "arrest");

        var updated = await store.UpdateAsync<Arrest>(name, change.Etag, mask.Paths, async arrest =>
        {
            var merged = ArrestMapping.ToProto(arrest);
            UpdateMasks.Merge(mask, change, merged);
            var errors = new FieldErrors();
            var now = clock.GetUtcNow();
            ArrestMapping.Apply(merged, arrest, jurisdiction.Agency, now, errors);
            arrest.CheckRules(now, errors);
            errors.ThrowIfAny();
            await db.Entry(arrest).Collection(a => a.SubjectHandles).LoadAsync(context.CancellationToken);
            arrest.IndexSubjectHandles();
        }, context.CancellationToken);
        return new() { Arrest = ArrestMapping.ToProto(updated) };
    }

    [Authorize(ArgusScopes.ArrestsWrite)]
    public override async Task<Proto.DeleteArrestResponse> DeleteArrest(Proto.DeleteArrestRequest request, ServerCallContext context)
    {
        await store.EraseAsync<Arrest>(Kind.ParseName(request.Name, "name"), request.Etag, request.Reason, context.CancellationToken);
        return new();
    }
}
