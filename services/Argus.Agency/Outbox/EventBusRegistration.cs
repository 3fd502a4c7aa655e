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
    public static bool AddEventBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<OutboxSignal>();
        if (configuration["Argus:RabbitMq:Uri"] is not { Length: > 0 } uri)
        {
            return false;
        }

        services.AddMassTransit(bus =>
        {
            bus.UsingRabbitMq((_, rabbit) =>
            {
                rabbit.Host(new Uri(uri), host =>
                {
                    host.PublisherConfirmation = true;
                    host.Heartbeat(TimeSpan.FromSeconds(15));
                    host.ConnectionName("argus-agency");
                });
                Direct<OperationOpened>(rabbit);
                Direct<OperationUpdated>(rabbit);
                Direct<HouseSearchRecorded>(rabbit);
                Direct<HouseSearchUpdated>(rabbit);
                Direct<ArrestRecorded>(rabbit);
                Direct<ArrestUpdated>(rabbit);
                Direct<EvidenceRegistered>(rabbit);
                Direct<EvidenceUpdated>(rabbit);
                Direct<RecordShared>(rabbit);
                Direct<ShareRevoked>(rabbit);
            });
        });
        // The service serves while the broker is down; the relay keeps the events until it is back.
        services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = false);
        services.AddHostedService<OutboxRelay>();
        return true;
    }

    private static void Direct<T>(IRabbitMqBusFactoryConfigurator rabbit)
        where T : class =>
        rabbit.Publish<T>(publish => publish.ExchangeType = "direct");
}
