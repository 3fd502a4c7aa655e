using System.Buffers;
using System.Text.Json;
using Argus.Events;
using MassTransit;
using MassTransit.Metadata;
using RabbitMQ.Client;

namespace Argus.Agency.Outbox;

/// <summary>
/// What MassTransit's publish puts on RabbitMQ for one of our events, written from an outbox row:
/// the same exchanges (MassTransit's publish topology, configured in <see cref="EventBusRegistration"/>),
/// properties and JSON envelope (messageId, messageType with the event's URN and its interfaces',
/// the event as "message", sentTime, host), so a MassTransit consumer — ours, or an integrator's —
/// reads it as it read what <c>bus.Publish</c> sent, and any other AMQP client finds the event
/// under "message".
/// </summary>
public static class MassTransitEnvelope
{
    public const string ContentType = "application/vnd.masstransit+json";

    /// <summary>The sending host, as MassTransit describes it; the same for every message.</summary>
    private static readonly byte[] Host = JsonSerializer.SerializeToUtf8Bytes(HostMetadataCache.Host, JsonSerializerOptions.Web);

    /// <summary>Where an event type goes: its exchange, that exchange's address, and the envelope's messageType.</summary>
    public sealed record Route(CachedString Exchange, string Destination, string[] MessageTypes);

    /// <summary>Every event type's route by its name (<see cref="OutboxMessage.Type"/>), from MassTransit's publish topology.</summary>
    public static Dictionary<string, Route> Routes(IBus bus)
    {
        var host = new Uri(bus.Address, "./");
        return RecordEvents.All.ToDictionary(type => type.Name, type =>
        {
            if (!bus.Topology.PublishTopology.TryGetPublishAddress(type, host, out var address) || address is null)
            {
                throw new InvalidOperationException($"MassTransit's publish topology has no exchange for {type.Name}.");
            }

            return new Route(new CachedString(Uri.UnescapeDataString(address.Segments[^1])), address.ToString(), MessageTypeCache.GetMessageTypeNames(type));
        });
    }

    /// <summary>Declares what MassTransit's publish would: each event's exchange, and the bindings to its interfaces' exchanges.</summary>
    public static async Task DeclareTopologyAsync(IBus bus, IChannel channel, CancellationToken cancellationToken)
    {
        var topology = ((IRabbitMqPublishTopology)bus.Topology.PublishTopology).GetPublishBrokerTopology();
        foreach (var exchange in topology.Exchanges)
        {
            await channel.ExchangeDeclareAsync(exchange.ExchangeName, exchange.ExchangeType, exchange.Durable, exchange.AutoDelete,
                Arguments(exchange.ExchangeArguments), cancellationToken: cancellationToken);
        }

        foreach (var binding in topology.ExchangeBindings)
        {
            await channel.ExchangeBindAsync(binding.Destination.ExchangeName, binding.Source.ExchangeName, binding.RoutingKey,
                Arguments(binding.Arguments), cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// Persistent; the event id as message id (consumers' inboxes drop duplicates by it) and as
    /// correlation id, as MassTransit sets it for an EventId; and our one header, the publishing
    /// agency (<see cref="EventHeaders.Publisher"/>).
    /// </summary>
    public static BasicProperties Properties(OutboxMessage row, string publisher) => new()
    {
        ContentType = ContentType,
        Persistent = true,
        MessageId = row.MessageId.ToString(),
        CorrelationId = row.MessageId.ToString(),
        Headers = new Dictionary<string, object?> { [EventHeaders.Publisher] = publisher },
    };

    /// <summary>The envelope around the row's stored event JSON (checked to be one JSON value, not re-serialized).</summary>
    public static ReadOnlyMemory<byte> Write(OutboxMessage row, Route route, string sourceAddress, DateTime sentTime)
    {
        var buffer = new ArrayBufferWriter<byte>(row.Body.Length + 1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("messageId", row.MessageId);
            json.WriteString("correlationId", row.MessageId);
            // A published event starts its conversation; the event id keeps a republished copy identical.
            json.WriteString("conversationId", row.MessageId);
            json.WriteString("sourceAddress", sourceAddress);
            json.WriteString("destinationAddress", route.Destination);
            json.WriteStartArray("messageType");
            foreach (var type in route.MessageTypes)
            {
                json.WriteStringValue(type);
            }

            json.WriteEndArray();
            json.WritePropertyName("message");
            json.WriteRawValue(row.Body);
            json.WriteString("sentTime", sentTime);
            json.WriteStartObject("headers");
            json.WriteEndObject();
            json.WritePropertyName("host");
            json.WriteRawValue(Host, skipInputValidation: true);
            json.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static Dictionary<string, object?> Arguments(IDictionary<string, object>? arguments) =>
        arguments?.ToDictionary(a => a.Key, a => (object?)a.Value) ?? [];
}
