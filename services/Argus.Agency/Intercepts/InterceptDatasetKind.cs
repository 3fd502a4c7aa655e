using Argus.Agency.Intercepts.Messages;
using Argus.Agency.Records;
using Argus.Client;
using Argus.Client.Security;
using Argus.Events;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Proto = Argus.Intercepts.V1;
using ProtoReplica = Argus.Replica.V1;

namespace Argus.Agency.Intercepts;

/// <summary>
/// Intercept datasets in the registry of record kinds. The record travels and is shared like any
/// other; the messages behind it move in bulk (<see cref="InterceptGrpcService"/>), and a partner's
/// messages follow its copy of the record: narrowed with its shared subset, gone with it.
/// </summary>
internal sealed class InterceptDatasetKind : OperationRecordKind<InterceptDataset, Proto.InterceptDataset, InterceptDatasetGrpcService>
{
    public const string RequestField = "intercept_dataset";

    public static readonly InterceptDatasetKind Instance = new();

    public override string Name => "InterceptDataset";

    public override string Collection => InterceptDataset.Collection;

    public override string Field => RequestField;

    public override string ReadScope => ArgusScopes.InterceptsRead;

    public override string WriteScope => ArgusScopes.InterceptsWrite;

    public override IReadOnlyList<System.Type> Events => [typeof(InterceptDatasetRegistered), typeof(InterceptDatasetUpdated)];

    /// <summary>A hit on a handle does not hand over a dataset: its owner shares it with a subset of its own choosing.</summary>
    public override bool SharedOnFollowUp => false;

    public override IRecordEvent CreatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content) =>
        new InterceptDatasetRegistered(id, record.OwnerAgency.Code(), record.Name, record.Version, handlingCode, now, content);

    public override IRecordEvent UpdatedEvent(Guid id, Record record, string handlingCode, DateTimeOffset now, string? content) =>
        new InterceptDatasetUpdated(id, record.OwnerAgency.Code(), record.Name, record.Version, handlingCode, now, content);

    public override Proto.InterceptDataset ToProto(InterceptDataset record) => InterceptDatasetMapping.ToProto(record);

    public override async Task<IMessage> GetFromOwnerAsync(AgencyClient owner, string name, CallOptions options) =>
        (await owner.InterceptDatasets.GetInterceptDatasetAsync(new() { Name = name }, options)).InterceptDataset;

    public override async Task<(IReadOnlyList<IMessage> Records, string NextPageToken)> ListFromOwnerAsync(AgencyClient owner, string operation, string pageToken, CallOptions options)
    {
        var page = await owner.InterceptDatasets.ListInterceptDatasetsAsync(new() { Parent = operation, PageSize = 1000, PageToken = pageToken }, options);
        return (page.InterceptDatasets, page.NextPageToken);
    }

    public override void ShowCopy(ProtoReplica.ForeignRecord copy, IMessage record) => copy.InterceptDataset = (Proto.InterceptDataset)record;

    /// <summary>The message store of the configured database, the imports, and the partner's pull.</summary>
    public override void AddServices(IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.Configure<InterceptOptions>(configuration.GetSection(InterceptOptions.Section));
        services.AddScoped<DatasetContentsBook>();
        services.AddScoped<MessageImport>();
        services.AddScoped<DatasetPull>();
        services.AddSingleton<BackgroundIndexer>();
        services.AddHostedService(provider => provider.GetRequiredService<BackgroundIndexer>());
    }

    protected override void MapMoreServices(IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<InterceptGrpcService>();

    /// <summary>The datasets of this agency whose messages a handle sent or received (hit/no-hit).</summary>
    public override async Task<IReadOnlyList<string>> RecordsWithHandleAsync(IServiceProvider services, string handle, CancellationToken cancellationToken) =>
        await services.GetRequiredService<DatasetContentsBook>().OwnDatasetsWithHandleAsync(handle, cancellationToken);

    /// <summary>A partner's dataset that is no longer shared (or erased) takes its messages along.</summary>
    public override Task ForgetForeignAsync(DbContext db, Shared.AgencyCode owner, IReadOnlyList<string> records, CancellationToken cancellationToken) =>
        DatasetContentsBook.ForgetForeignAsync(db, owner, records, cancellationToken);

    /// <summary>A copy whose shared subset narrowed drops the messages outside it.</summary>
    public override Task CopyKeptAsync(DbContext db, Shared.AgencyCode owner, string record, IMessage disclosed, CancellationToken cancellationToken) =>
        DatasetContentsBook.NarrowForeignAsync(db, owner, record, (Proto.InterceptDataset)disclosed, cancellationToken);
}
