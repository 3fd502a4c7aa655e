using Argus.Agency.Records;
using Argus.Events;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Agency.Replica;

/// <summary>Wiring of the replica: the updater and the Sync catch-up (which work without a broker too), and its consumers.</summary>
public static class ReplicaRegistration
{
    /// <summary>The sharing events a replica applies besides each kind's own.</summary>
    private static readonly System.Type[] SharingEvents = [typeof(RecordShared), typeof(ShareRevoked), typeof(RecordCorrected), typeof(RecordErased)];

    public static void AddReplica(this IServiceCollection services, string agency, string? queue)
    {
        services.AddSingleton(new ReplicaEndpoint(agency, queue ?? $"argus.{agency}.replica"));
        services.AddSingleton<ReplicaStatistics>();
        services.AddScoped<OwnerRecords>();
        services.AddScoped<ReplicaUpdater>();
        services.AddSingleton<ReplicaBatcher>();
        services.AddSingleton<LogWitness>();
        services.AddSingleton<ReplicaCatchUp>();
        services.AddHostedService(provider => provider.GetRequiredService<ReplicaCatchUp>());
    }

    /// <summary>Every event a partner may route to this agency that changes a copy.</summary>
    public static IEnumerable<System.Type> ReplicatedEvents(RecordKinds kinds) => kinds.All.SelectMany(k => k.Events).Concat(SharingEvents);

    /// <summary>One consumer (with its definition) per replicated event, on the replica queue, and the partners' published log heads.</summary>
    public static void AddReplicaConsumers(this IBusRegistrationConfigurator bus, RecordKinds kinds)
    {
        foreach (var type in ReplicatedEvents(kinds))
        {
            bus.AddConsumer(typeof(ReplicaConsumer<>).MakeGenericType(type), typeof(ReplicaConsumerDefinition<>).MakeGenericType(type));
        }

        bus.AddConsumer<SignedHeadConsumer, SignedHeadConsumerDefinition>();
    }
}
