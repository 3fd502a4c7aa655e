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
public static class EventBusRegistration
{
    /// <param name="agency">This service's agency ("nl", "be"), the publisher of its events.</param>
    /// <param name="consumers">Adds the consumers (each with its definition, which says where it listens).</param>
    public static bool AddEventBus(this IServiceCollection services, IConfiguration configuration, string agency, Action<IBusRegistrationConfigurator> consumers)
    {
        services.AddSingleton<OutboxSignal>();
        if (configuration["Argus:RabbitMq:Uri"] is not { Length: > 0 } uri)
        {
            return false;
        }

        services.AddMassTransit(bus =>
        {
            // A broker that is down makes the service degraded, not unavailable: it serves, and the
            // outbox keeps the events until the broker is back (gRPC health reports SERVING for
            // Degraded, NOT_SERVING only for Unhealthy).
            bus.ConfigureHealthCheckOptions(health =>
            {
                health.Name = "bus";
                health.MinimalFailureStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded;
            });
            consumers(bus);
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

                rabbit.ConfigureEndpoints(context);
            });
        });
        // The service serves while the broker is down; the relay keeps the events until it is back.
        services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = false);
        services.AddSingleton(provider => new BrokerPublisher(new Uri(uri), agency, provider.GetRequiredService<IBus>()));
        services.AddHostedService<OutboxRelay>();
        return true;
    }
}
