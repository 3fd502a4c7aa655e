using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Argus.Testing;

/// <summary>
/// The throwaway RabbitMQ node deploy/local/test.sh starts: its AMQP URI (ARGUS_RABBITMQ) and a
/// control script (ARGUS_RABBITMQ_CTL) to take the broker down and up again. Without it, tests
/// that need it fail saying so — they never skip.
/// </summary>
public static class TestRabbitMq
{
    public static string Uri => Required("ARGUS_RABBITMQ");

    /// <summary>Stops the RabbitMQ application (connections refused) until <see cref="StartAsync"/>.</summary>
    public static Task StopAsync() => ControlAsync("stop_app");

    public static Task StartAsync() => ControlAsync("start_app");

    /// <summary>A queue name no other test uses; delete it with <see cref="DeleteQueuesAsync"/>.</summary>
    public static string UniqueQueue(string prefix) => $"{prefix}.test-{Guid.NewGuid():N}";

    /// <summary>Deletes the queues (and their _error queues) a test made, so they do not collect later tests' events.</summary>
    public static async Task DeleteQueuesAsync(params string[] queues)
    {
        var factory = new ConnectionFactory { Uri = new Uri(Uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in queues.SelectMany(q => new[] { q, q + "_error", q + "_skipped" }))
        {
            await channel.QueueDeleteAsync(queue);
            await channel.ExchangeDeleteAsync(queue);
        }
    }

    private static async Task ControlAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo(Required("ARGUS_RABBITMQ_CTL"), command) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {command} failed ({process.ExitCode}): {error}");
        }
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"RabbitMQ is required for this test and {variable} is not set. Run ./deploy/local/test.sh, which starts a throwaway node.");
}

/// <summary>
/// A subscriber as a non-.NET integrator would write it: a durable queue bound to Argus event
/// exchanges with a routing key, reading MassTransit's JSON envelope.
/// </summary>
public sealed class EventSubscriber : IAsyncDisposable
{
    private readonly IConnection connection;
    private readonly IChannel channel;
    private readonly string queue;

    private EventSubscriber(IConnection connection, IChannel channel, string queue)
    {
        this.connection = connection;
        this.channel = channel;
        this.queue = queue;
    }

    /// <summary>Every delivery, duplicates included: (message id, exchange, record).</summary>
    public ConcurrentQueue<(string MessageId, string Exchange, string Record)> Received { get; } = new();

    /// <summary>The envelope's messageType URNs of every delivery.</summary>
    public ConcurrentQueue<string> MessageTypes { get; } = new();

    public static async Task<EventSubscriber> StartAsync(string routingKey, params string[] exchanges)
    {
        var subscriber = await DeclareAsync(routingKey, exchanges);
        await subscriber.ConsumeAsync();
        return subscriber;
    }

    /// <summary>
    /// Declares and binds the queue, which then keeps what is routed to it, but does not consume
    /// yet (<see cref="ConsumeAsync"/>): a benchmark of the publisher does not share the cores with
    /// its consumer.
    /// </summary>
    public static async Task<EventSubscriber> DeclareAsync(string routingKey, params string[] exchanges)
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestRabbitMq.Uri), AutomaticRecoveryEnabled = true, NetworkRecoveryInterval = TimeSpan.FromMilliseconds(500) };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = $"test-{routingKey}-{Guid.NewGuid():N}";
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        foreach (var exchange in exchanges)
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue, exchange, routingKey);
        }

        return new EventSubscriber(connection, channel, queue);
    }

    /// <summary>Starts taking deliveries off the queue into <see cref="Received"/>.</summary>
    public async Task ConsumeAsync()
    {
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            using var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(delivery.Body.Span));
            var record = envelope.RootElement.GetProperty("message").GetProperty("record").GetString() ?? "";
            MessageTypes.Enqueue(string.Join(' ', envelope.RootElement.GetProperty("messageType").EnumerateArray().Select(t => t.GetString())));
            Received.Enqueue((delivery.BasicProperties.MessageId ?? "", delivery.Exchange, record));
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
    }

    /// <summary>Waits until <paramref name="done"/> holds for what was received, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(Func<IReadOnlyCollection<(string MessageId, string Exchange, string Record)>, bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!done(Received.ToArray()))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Events did not arrive within {timeout.TotalSeconds} s; received {Received.Count}.");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await channel.QueueDeleteAsync(queue);
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.RabbitMQClientException or InvalidOperationException or IOException)
        {
            // The node may be down in a failing test; the throwaway node goes with the run.
        }

        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
