namespace Argus.FunctionalTests;

/// <summary>
/// Tests that use the shared RabbitMQ node run one after another: some take the broker down on
/// purpose, which must not fail the others.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection
{
    public const string Name = "RabbitMQ";
}
