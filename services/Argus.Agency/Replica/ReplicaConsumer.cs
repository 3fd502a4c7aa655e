using Argus.Events;
using MassTransit;

namespace Argus.Agency.Replica;

/// <summary>
/// Takes the events partners route to this agency off its replica queue. A failure (owner
/// unreachable, database busy) is retried by the endpoint's retry policy, then the message goes to
/// the queue's _error queue, where an admin inspects and replays it (argus dead-letters).
/// </summary>
public sealed class ReplicaConsumer(ReplicaUpdater updater) :
    IConsumer<OperationOpened>, IConsumer<OperationUpdated>, IConsumer<HouseSearchRecorded>, IConsumer<HouseSearchUpdated>,
    IConsumer<ArrestRecorded>, IConsumer<ArrestUpdated>, IConsumer<EvidenceRegistered>, IConsumer<EvidenceUpdated>,
    IConsumer<RecordShared>, IConsumer<ShareRevoked>, IConsumer<RecordCorrected>, IConsumer<RecordErased>
{
    public Task Consume(ConsumeContext<OperationOpened> context) => Apply(context);

    public Task Consume(ConsumeContext<OperationUpdated> context) => Apply(context);

    public Task Consume(ConsumeContext<HouseSearchRecorded> context) => Apply(context);

    public Task Consume(ConsumeContext<HouseSearchUpdated> context) => Apply(context);

    public Task Consume(ConsumeContext<ArrestRecorded> context) => Apply(context);

    public Task Consume(ConsumeContext<ArrestUpdated> context) => Apply(context);

    public Task Consume(ConsumeContext<EvidenceRegistered> context) => Apply(context);

    public Task Consume(ConsumeContext<EvidenceUpdated> context) => Apply(context);

    public Task Consume(ConsumeContext<RecordShared> context) => Apply(context);

    public Task Consume(ConsumeContext<ShareRevoked> context) => Apply(context);

    public Task Consume(ConsumeContext<RecordCorrected> context) => Apply(context);

    public Task Consume(ConsumeContext<RecordErased> context) => Apply(context);

    private Task Apply<T>(ConsumeContext<T> context)
        where T : class, IRecordEvent =>
        updater.ApplyAsync(context.Message, cursor: null, context.CancellationToken);
}
