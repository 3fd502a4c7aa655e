using Argus.Agency.Outbox;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Events;
using MassTransit;

namespace Argus.Agency.Replica;

/// <summary>
/// Takes one kind of event partners route to this agency off its replica queue and applies it to
/// the copies. One closed generic per replicated event (the registry's record events and the
/// sharing events), all on one queue. A failure (owner unreachable, database busy) is retried by
/// the definition's retry policy, then the message goes to the queue's _error queue, where an
/// admin inspects and replays it (argus dead-letters).
/// </summary>
public sealed class ReplicaConsumer<TEvent>(ReplicaUpdater updater, ReplicaBatcher batcher, RecordKinds kinds) : IConsumer<TEvent>
    where TEvent : class, IRecordEvent
{
    // Events that carry their record are applied with the others that arrive meanwhile, in one
    // transaction; the rest (a shared operation read from its owner, an erasure) one at a time.
    public Task Consume(ConsumeContext<TEvent> context) => ReplicaUpdater.CarriesRecord(context.Message, kinds)
        ? batcher.ApplyAsync(context.Message, context.CancellationToken)
        : updater.ApplyAsync(context.Message, cursor: null, context.CancellationToken);
}

/// <summary>Where the replica's consumers listen, and how they fail.</summary>
public sealed class ReplicaEndpoint(string agency, string queue)
{
    /// <summary>This agency's code: the routing key partners publish its events with.</summary>
    public string Agency => agency;

    /// <summary>"argus.{agency}.replica" unless configured otherwise (Argus:Replica:Queue).</summary>
    public string Queue => queue;

    /// <summary>
    /// The replica queue as every consumer on it needs it: a quorum queue (replicated across the
    /// cluster's nodes; its _error queue inherits the type), bound by hand to
    /// <paramref name="eventType"/>'s direct exchange with this agency's routing key only — and
    /// through "{queue}.from-partners", a headers exchange that passes only what a partner
    /// published (<see cref="EventHeaders.Publisher"/>). This agency's own events carry its routing
    /// key too, for its own integrators; without the filter the queue took each of them, and the
    /// service read every one of its own events back only to drop it.
    /// </summary>
    public void Configure(IReceiveEndpointConfigurator endpointConfigurator, System.Type eventType)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
            // As many in flight as one batch takes (ReplicaBatcher.MaxBatch): while one commits, the
            // next gathers. Fewer, and every batch waited for its own acknowledgements to refill.
            rabbit.PrefetchCount = ReplicaBatcher.MaxBatch;
            foreach (var partner in Enum.GetValues<AgencyCode>().Select(code => code.Code()).Where(code => code != agency))
            {
                rabbit.Bind($"{queue}.from-partners", fromPartners =>
                {
                    fromPartners.ExchangeType = RabbitMQ.Client.ExchangeType.Headers;
                    fromPartners.SetBindingArgument("x-match", "all");
                    fromPartners.SetBindingArgument(EventHeaders.Publisher, partner);
                    fromPartners.Bind(EntityNames.Of(eventType), events =>
                    {
                        events.ExchangeType = RabbitMQ.Client.ExchangeType.Direct;
                        events.RoutingKey = agency;
                    });
                });
            }
        }
    }
}

/// <summary>
/// The replica queue (<see cref="ReplicaEndpoint.Configure"/>), for the consumer of
/// <typeparamref name="TEvent"/>, retried in place for transient faults.
/// </summary>
public sealed class ReplicaConsumerDefinition<TEvent> : ConsumerDefinition<ReplicaConsumer<TEvent>>
    where TEvent : class, IRecordEvent
{
    private readonly ReplicaEndpoint endpoint;

    public ReplicaConsumerDefinition(ReplicaEndpoint endpoint)
    {
        this.endpoint = endpoint;
        EndpointName = endpoint.Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ReplicaConsumer<TEvent>> consumerConfigurator,
        IRegistrationContext context)
    {
        endpoint.Configure(endpointConfigurator, typeof(TEvent));
        // Transient faults (owner restarting, database busy) are retried in place; what still
        // fails goes to the _error queue for an admin to inspect and replay.
        consumerConfigurator.UseMessageRetry(retry => retry.Intervals(100, 500, 2000, 5000));
    }
}
