using Argus.Agency.Replica;
using Argus.Events;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Agency.Outbox;

/// <summary>
/// RabbitMQ through MassTransit ("Argus:RabbitMq:Uri", e.g. amqp://argus:…@localhost:5672/). Every
/// event type has its own durable direct exchange, "argus.{event}"; the routing key is the agency
/// the event is for, so an event about a record shared with Belgium reaches only queues bound
/// with "be". Without a URI, events wait in the outbox until one is configured.
/// </summary>
internal static class EventBusRegistration
{
    /// <param name="agency">This agency's code: the routing key its replica queue is bound with.</param>
    /// <param name="replica">Whether this agency keeps copies of what partners share with it (it has credentials and partners).</param>
    public static bool AddEventBus(this IServiceCollection services, IConfiguration configuration, string agency, bool replica)
    {
        services.AddSingleton<OutboxSignal>();
        if (configuration["Argus:RabbitMq:Uri"] is not { Length: > 0 } uri)
        {
            return false;
        }

        services.AddMassTransit(bus =>
        {
            if (replica)
            {
                bus.AddConsumer<ReplicaConsumer>();
            }

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(uri), host =>
                {
                    host.PublisherConfirmation = true;
                    host.Heartbeat(TimeSpan.FromSeconds(15));
                    host.ConnectionName("argus-agency");
                });
                // Every event's exchange is direct: the routing key (an agency) picks the queues.
                foreach (var type in RecordEvents.All)
                {
                    rabbit.PublishTopology.GetMessageTopology(type).ExchangeType = "direct";
                }

                if (replica)
                {
                    rabbit.ReceiveEndpoint(configuration["Argus:Replica:Queue"] ?? $"argus.{agency}.replica", endpoint =>
                    {
                        // Replicated across the cluster's nodes; its _error queue inherits the type.
                        endpoint.SetQuorumQueue();
                        // Bound by hand: only our routing key on each event's direct exchange.
                        endpoint.ConfigureConsumeTopology = false;
                        foreach (var type in RecordEvents.All.Where(t => typeof(IRecordEvent).IsAssignableFrom(t)))
                        {
                            endpoint.Bind(EntityNames.Of(type), binding =>
                            {
                                binding.ExchangeType = "direct";
                                binding.RoutingKey = agency;
                            });
                        }

                        endpoint.PrefetchCount = 64;
                        // Transient faults (owner restarting, database busy) are retried in place;
                        // what still fails goes to the _error queue for an admin to inspect and replay.
                        endpoint.UseMessageRetry(retry => retry.Intervals(100, 500, 2000, 5000));
                        endpoint.ConfigureConsumer<ReplicaConsumer>(context);
                    });
                }
            });
        });
        // The service serves while the broker is down; the relay keeps the events until it is back.
        services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = false);
        services.AddHostedService<OutboxRelay>();
        return true;
    }

    /// <summary>The replica's parts that work without a broker too: the updater and the Sync catch-up.</summary>
    public static void AddReplica(this IServiceCollection services)
    {
        services.AddSingleton<ReplicaStatistics>();
        services.AddScoped<OwnerRecords>();
        services.AddScoped<ReplicaUpdater>();
        services.AddSingleton<ReplicaCatchUp>();
        services.AddHostedService(provider => provider.GetRequiredService<ReplicaCatchUp>());
    }
}
