using System.Reflection;
using Argus.Events;
using MassTransit;

namespace Argus.UnitTests.Architecture;

/// <summary>Integrators who do not read C# learn the events from the AsyncAPI document: it must name every one.</summary>
public sealed class EventContractTests
{
    [Fact]
    public void The_asyncapi_document_has_a_channel_for_every_event()
    {
        var document = File.ReadAllText(Path.Combine(Repository.Root(), "protos", "events", "asyncapi.yaml"));

        var missing = RecordEvents.All
            .Select(type => type.GetCustomAttribute<EntityNameAttribute>()!.EntityName)
            .Where(exchange => !document.Contains($"address: {exchange}\n", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_event_has_its_own_exchange_and_versioned_urn()
    {
        var exchanges = RecordEvents.All.Select(t => t.GetCustomAttribute<EntityNameAttribute>()?.EntityName).ToList();
        var urns = RecordEvents.All.Select(t => t.GetCustomAttribute<MessageUrnAttribute>()?.Urn.ToString()).ToList();

        Assert.All(exchanges, e => Assert.StartsWith("argus.", e));
        Assert.All(urns, u => Assert.Matches("^argus:[a-z-]+:v[0-9]+$", u));
        Assert.Equal(exchanges.Count, exchanges.Distinct().Count());
        Assert.Equal(urns.Count, urns.Distinct().Count());
    }
}
