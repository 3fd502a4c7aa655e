using System.Reflection;
using MassTransit;

namespace Argus.Agency.Outbox;

/// <summary>The exchange (AsyncAPI channel) name pinned on an event type, e.g. "argus.arrest-recorded".</summary>
public static class EntityNames
{
    public static string Of(Type eventType) =>
        eventType.GetCustomAttribute<EntityNameAttribute>()?.EntityName ?? eventType.Name;
}
