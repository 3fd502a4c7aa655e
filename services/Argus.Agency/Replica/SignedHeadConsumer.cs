using Argus.Agency.Shared;
using Argus.Events;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MassTransit;

namespace Argus.Agency.Replica;

/// <summary>
/// Keeps the signed log heads partners publish (<see cref="LogHeadSigned"/>), checked like the ones
/// this agency asks for. A head that fails its check (not signed by the partner's own certificate
/// from the Argus CA) is retried and then lands in the _error queue, where an admin sees it: a
/// forged head on the bus is worth a look.
/// </summary>
public sealed class SignedHeadConsumer(LogWitness witness, ReplicaEndpoint endpoint) : IConsumer<LogHeadSigned>
{
    public Task Consume(ConsumeContext<LogHeadSigned> context)
    {
        var published = context.Message;
        if (!System.Enum.TryParse<AgencyCode>(published.Owner, ignoreCase: true, out var owner) || owner.Code() == endpoint.Agency)
        {
            throw new InvalidOperationException($"A log head published as '{published.Owner}' is not a partner's.");
        }

        return witness.KeepAsync(owner, new Audit.V1.SignedLogHead
        {
            Agency = CommonMapping.ToProto(owner),
            Sequence = published.Sequence,
            Hash = published.Hash,
            SignTime = Timestamp.FromDateTimeOffset(published.OccurredAt),
            Signature = ByteString.FromBase64(published.Signature),
            CertificatePem = published.CertificatePem,
        }, context.CancellationToken);
    }
}

/// <summary>On the replica queue (<see cref="ReplicaEndpoint.Configure"/>), bound to the heads' exchange.</summary>
public sealed class SignedHeadConsumerDefinition : ConsumerDefinition<SignedHeadConsumer>
{
    private readonly ReplicaEndpoint endpoint;

    public SignedHeadConsumerDefinition(ReplicaEndpoint endpoint)
    {
        this.endpoint = endpoint;
        EndpointName = endpoint.Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SignedHeadConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpoint.Configure(endpointConfigurator, typeof(LogHeadSigned));
        consumerConfigurator.UseMessageRetry(retry => retry.Intervals(100, 1000));
    }
}
