using Argus.Agency.Partners;
using Argus.Agency.Persistence;
using Argus.Agency.ProcessingLog;
using Argus.Agency.Shared;
using Argus.Client.Audit;
using Argus.Hosting.Errors;
using Argus.Hosting.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Argus.Agency.Replica;

/// <summary>
/// Witnesses a partner agency's processing log: asks for its signed head, checks the signature and
/// that the certificate is the Argus CA's, and keeps the head. `argus audit verify --witness`
/// later checks that the partner's log still extends every head kept here, so rewriting that log
/// — even re-chaining every entry after the change — needs this agency's cooperation. Runs after
/// each catch-up with the partner (at start-up and every Argus:Replica:SyncInterval), and for every
/// head the partner publishes on the bus (<see cref="SignedHeadConsumer"/>).
/// </summary>
public sealed class LogWitness(IServiceScopeFactory scopes, PartnerClients partners, IConfiguration configuration, IHostEnvironment environment, TimeProvider clock)
{
    private readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2?> authority =
        new(() => ClientCertificateTrust.FromConfiguration(configuration, environment.ContentRootPath));

    /// <summary>Asks the partner for its signed head now, and keeps it.</summary>
    public async Task<WitnessedLogHead> WitnessAsync(AgencyCode partner, CancellationToken cancellationToken)
    {
        var head = (await partners.For(partner).Client.Audit.GetSignedLogHeadAsync(new(), cancellationToken: cancellationToken)).Head;
        return await KeepAsync(partner, head, cancellationToken);
    }

    /// <summary>
    /// Checks a head <paramref name="partner"/> signed (asked for, or published on the bus) and keeps
    /// it; one kept before (a message delivered twice) is not kept again. A head that is not the
    /// partner's, or whose signature or certificate fails, is refused and nothing is kept.
    /// </summary>
    public async Task<WitnessedLogHead> KeepAsync(AgencyCode partner, Audit.V1.SignedLogHead head, CancellationToken cancellationToken)
    {
        var ca = authority.Value ?? throw new PreconditionFailedException("No Argus CA is configured (Argus:Auth:CaCertificatePath) to check a partner's signed log head with.");
        if (head.Agency != CommonMapping.ToProto(partner))
        {
            throw new InvalidOperationException($"{partner.Code()} signed a log head as {head.Agency}.");
        }

        if (LogHeadSignature.Problem(head, partner.Code(), ca) is { } problem)
        {
            throw new InvalidOperationException($"{partner.Code()}'s signed log head is refused: {problem}.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgencyDbContext>();
        var signTime = head.SignTime.ToDateTimeOffset();
        if (await db.Set<WitnessedLogHead>().FirstOrDefaultAsync(h => h.Owner == partner && h.Sequence == head.Sequence && h.Hash == head.Hash && h.SignTime == signTime,
                cancellationToken) is { } kept)
        {
            return kept;
        }

        var witnessed = new WitnessedLogHead
        {
            Owner = partner,
            Sequence = head.Sequence,
            Hash = head.Hash,
            SignTime = signTime,
            Signature = head.Signature.ToByteArray(),
            CertificatePem = head.CertificatePem,
            WitnessTime = clock.GetUtcNow(),
        };
        db.Set<WitnessedLogHead>().Add(witnessed);
        await db.SaveChangesAsync(cancellationToken);
        return witnessed;
    }
}
