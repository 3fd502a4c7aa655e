using System.CommandLine;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Argus.Cli;

/// <summary>
/// argus dead-letters list|replay --queue argus.be.replica: the messages a consumer gave up on
/// after its retries sit in the queue's "_error" queue with MassTransit's fault headers. An admin
/// with broker credentials reads them (without taking them off the queue) and, once the cause is
/// mended, puts them back on the consumer's queue. Replayed messages keep their message id, so a
/// consumer that did apply one after all drops it (inbox).
/// </summary>
internal static class DeadLetterCommands
{
    public static Command Build(TextWriter stdout, TextWriter stderr, Option<bool> json)
    {
        var broker = new Option<string?>("--broker")
        {
            Description = "AMQP URI of the broker, with an admin's credentials (default: $ARGUS_RABBITMQ).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ARGUS_RABBITMQ"),
        };
        var queue = new Option<string>("--queue") { Description = "The consumer's queue, e.g. argus.be.replica (its dead letters are in <queue>_error).", Required = true };
        var messageId = new Option<string?>("--message-id") { Description = "Replay only this message." };

        var list = new Command("list", "Show the dead letters of a queue, oldest first, with why they failed.") { broker, queue };
        list.SetAction((result, cancellationToken) => ArgusCli.GuardAsync(stderr, async () =>
        {
            await using var connection = await ConnectAsync(result.GetValue(broker));
            var letters = await PeekAsync(connection, result.GetValue(queue)!, cancellationToken);
            if (result.GetValue(json))
            {
                foreach (var letter in letters)
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(letter, JsonSerializerOptions.Web));
                }
            }
            else
            {
                await stdout.WriteLineAsync($"{letters.Count} dead letters in {ErrorQueue(result.GetValue(queue)!)}");
                foreach (var letter in letters)
                {
                    await stdout.WriteLineAsync($"{letter.MessageId}  {letter.Exchange,-28} {letter.Record}");
                    await stdout.WriteLineAsync($"    failed {letter.FaultTime}: {letter.FaultType}: {letter.FaultMessage}");
                }
            }

            return ExitCodes.Ok;
        }));

        var replay = new Command("replay", "Put dead letters back on their queue (all, or --message-id).") { broker, queue, messageId };
        replay.SetAction((result, cancellationToken) => ArgusCli.GuardAsync(stderr, async () =>
        {
            await using var connection = await ConnectAsync(result.GetValue(broker));
            var target = result.GetValue(queue)!;
            var replayed = await ReplayAsync(connection, target, result.GetValue(messageId), cancellationToken);
            await stdout.WriteLineAsync($"{replayed} dead letters put back on {target}.");
            return replayed == 0 && result.GetValue(messageId) is not null ? ExitCodes.NotFound : ExitCodes.Ok;
        }));

        var command = new Command("dead-letters", "Messages consumers gave up on: inspect and replay (RabbitMQ).");
        command.Subcommands.Add(list);
        command.Subcommands.Add(replay);
        return command;
    }

    public sealed record DeadLetter(string MessageId, string Exchange, string Record, string FaultType, string FaultMessage, string FaultTime);

    private static string ErrorQueue(string queue) => queue + "_error";

    private static async Task<IConnection> ConnectAsync(string? uri)
    {
        if (uri is not { Length: > 0 })
        {
            throw new CliException(ExitCodes.Usage, "no broker: pass --broker amqp://user:password@host:port/ or set ARGUS_RABBITMQ.");
        }

        try
        {
            return await new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "argus-cli dead-letters" }.CreateConnectionAsync();
        }
        catch (BrokerUnreachableException ex) when (ex.InnerException is AuthenticationFailureException)
        {
            throw new CliException(ExitCodes.Unauthorized, "the broker refused the credentials in the URI.");
        }
        catch (BrokerUnreachableException)
        {
            throw new CliException(ExitCodes.Unavailable, $"the broker at {new Uri(uri).Host}:{new Uri(uri).Port} is unreachable.");
        }
    }

    /// <summary>Reads every dead letter without acknowledging; closing the channel puts them all back, in order.</summary>
    private static async Task<List<DeadLetter>> PeekAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        var errorQueue = ErrorQueue(queue);
        var count = await DeadLetterCountAsync(connection, queue, cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var letters = new List<DeadLetter>();
        for (var i = 0; i < count; i++)
        {
            if (await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is not { } delivery)
            {
                break;
            }

            letters.Add(Describe(delivery));
        }

        await channel.CloseAsync(cancellationToken);
        return letters;
    }

    /// <summary>Moves dead letters back to the consumer's queue: published with confirms through the default exchange, then acknowledged on the error queue.</summary>
    private static async Task<int> ReplayAsync(IConnection connection, string queue, string? onlyMessageId, CancellationToken cancellationToken)
    {
        var errorQueue = ErrorQueue(queue);
        var count = await DeadLetterCountAsync(connection, queue, cancellationToken);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        var replayed = 0;
        for (var i = 0; i < count; i++)
        {
            if (await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is not { } delivery)
            {
                break;
            }

            if (onlyMessageId is not null && delivery.BasicProperties.MessageId != onlyMessageId)
            {
                continue; // left unacknowledged: back on the error queue when the channel closes
            }

            var properties = new BasicProperties(delivery.BasicProperties)
            {
                // What the failure added goes; the message is as it was first sent.
                Headers = delivery.BasicProperties.Headers?
                    .Where(h => !h.Key.StartsWith("MT-Fault", StringComparison.Ordinal) && h.Key != "MT-Reason" && h.Key != "MT-Host-MachineName")
                    .ToDictionary(h => h.Key, h => h.Value),
            };
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, delivery.Body, cancellationToken);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
            replayed++;
        }

        await channel.CloseAsync(cancellationToken);
        return replayed;
    }

    /// <summary>How many dead letters <paramref name="queue"/> has: NotFound when the queue itself does not exist, 0 when nothing has failed yet (MassTransit makes the _error queue on the first fault).</summary>
    private static async Task<uint> DeadLetterCountAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        if (await CountAsync(connection, queue, cancellationToken) is null)
        {
            throw new CliException(ExitCodes.NotFound, $"the broker has no queue {queue}.");
        }

        return await CountAsync(connection, ErrorQueue(queue), cancellationToken) ?? 0;
    }

    /// <summary>The queue's message count, or null when it does not exist. Its own channel: a failed passive declare closes the channel.</summary>
    private static async Task<uint?> CountAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    private static DeadLetter Describe(BasicGetResult delivery)
    {
        var headers = delivery.BasicProperties.Headers ?? new Dictionary<string, object?>();
        var record = "";
        var exchange = delivery.Exchange;
        try
        {
            using var envelope = JsonDocument.Parse(delivery.Body);
            if (envelope.RootElement.TryGetProperty("message", out var message) && message.TryGetProperty("record", out var name))
            {
                record = name.GetString() ?? "";
            }

            if (envelope.RootElement.TryGetProperty("destinationAddress", out var destination))
            {
                exchange = destination.GetString()?.Split('/')[^1].Split('?')[0] ?? exchange;
            }
        }
        catch (JsonException)
        {
            record = "(not a JSON envelope)";
        }

        return new DeadLetter(delivery.BasicProperties.MessageId ?? "", exchange, record, Header(headers, "MT-Fault-ExceptionType"), Header(headers, "MT-Fault-Message"),
            Header(headers, "MT-Fault-Timestamp"));
    }

    private static string Header(IDictionary<string, object?> headers, string name) =>
        headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => "",
            _ => value.ToString() ?? "",
        } : "";
}
