using System.Collections.Concurrent;
using MassTransit;
using RabbitMQ.Client;

namespace Argus.Agency.Outbox;

/// <summary>
/// Publishes outbox rows on RabbitMQ with RabbitMQ.Client itself, on the exchanges and in the
/// envelope MassTransit's own publish would use (<see cref="MassTransitEnvelope"/>), so consumers
/// and integrators receive the same messages. Not through <c>bus.Publish</c> because that read each
/// row's event back into an object, built a pipe and a send context per message and contended for
/// locks: ~270 µs of CPU per event, which capped the relay near 4,000 events/s on this machine
/// (README, *The exchange at volume*). Here a row's stored JSON goes into the envelope as it is.
/// <para>
/// One connection and one channel with publisher confirms, used by the relay alone; a batch is
/// written in order without waiting, and each row's task completes when the broker confirmed it (or
/// fails). A channel that broke is replaced, and the topology declared again, on the next batch.
/// MassTransit keeps the rest: the topology's definition, consumers, health.
/// </para>
/// </summary>
/// <param name="publisher">This service's agency ("nl", "be"): every message says who published it.</param>
public sealed class BrokerPublisher(Uri broker, string publisher, IBus bus) : IAsyncDisposable
{
    private readonly SemaphoreSlim opening = new(1, 1);
    private IConnection? connection;
    private IChannel? channel;
    private readonly ConcurrentDictionary<string, CachedString> routingKeys = new();
    private Dictionary<string, MassTransitEnvelope.Route>? routes;

    /// <summary>
    /// Publishes <paramref name="rows"/> in order; one task per row, completing when the broker
    /// confirmed it. Throws if no channel can be opened (the broker is unreachable).
    /// </summary>
    public async Task<Task[]> PublishAsync(IReadOnlyList<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        var open = await OpenAsync(cancellationToken);
        routes ??= MassTransitEnvelope.Routes(bus);
        var sentTime = DateTime.UtcNow;
        var source = bus.Address.ToString();
        var confirms = new Task[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            confirms[i] = routes.TryGetValue(row.Type, out var route)
                ? open.BasicPublishAsync(route.Exchange, routingKeys.GetOrAdd(row.RoutingKey, key => new CachedString(key)), mandatory: false, MassTransitEnvelope.Properties(row, publisher),
                    MassTransitEnvelope.Write(row, route, source, sentTime), cancellationToken).AsTask()
                : Task.FromException(new InvalidOperationException($"Outbox row {row.Sequence} has unknown type {row.Type}."));
        }

        return confirms;
    }

    private async Task<IChannel> OpenAsync(CancellationToken cancellationToken)
    {
        if (channel is { IsOpen: true } current)
        {
            return current;
        }

        await opening.WaitAsync(cancellationToken);
        try
        {
            if (channel is { IsOpen: true } opened)
            {
                return opened;
            }

            await CloseAsync();
            // No automatic recovery: a recovered channel would renumber its confirms under the
            // publishes still waiting; the relay publishes those rows again on a new channel instead.
            var factory = new ConnectionFactory
            {
                Uri = broker,
                AutomaticRecoveryEnabled = false,
                RequestedHeartbeat = TimeSpan.FromSeconds(15),
                ClientProvidedName = "argus-agency-outbox-relay",
            };
            connection = await factory.CreateConnectionAsync(cancellationToken);
            var created = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            await MassTransitEnvelope.DeclareTopologyAsync(bus, created, cancellationToken);
            channel = created;
            return created;
        }
        finally
        {
            opening.Release();
        }
    }

    private async Task CloseAsync()
    {
        var (oldChannel, oldConnection) = (channel, connection);
        (channel, connection) = (null, null);
        try
        {
            if (oldChannel is not null)
            {
                await oldChannel.DisposeAsync();
            }

            if (oldConnection is not null)
            {
                await oldConnection.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.RabbitMQClientException or IOException or ObjectDisposedException)
        {
            // It broke already; there is nothing left to close cleanly.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await opening.WaitAsync();
        try
        {
            await CloseAsync();
        }
        finally
        {
            opening.Release();
        }
    }
}
