using System.Security.Cryptography.X509Certificates;
using Argus.Agency.Shared;
using Argus.Client.Audit;
using Argus.Client.Security;
using Argus.Hosting.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Proto = Argus.Audit.V1;

namespace Argus.Agency.ProcessingLog;

/// <summary>
/// Signs this agency's processing-log head with the agency service's own key (the certificate of
/// Argus:Credentials, the one it calls partners with), so a partner can witness it. The key is
/// read once, when first needed.
/// </summary>
public sealed class LogHeadSigner(IConfiguration configuration, IHostEnvironment environment, IJurisdiction jurisdiction, TimeProvider clock)
{
    private readonly Lazy<X509Certificate2?> certificate = new(() =>
        configuration["Argus:Credentials:CertificatePath"] is { Length: > 0 } certificatePath
        && configuration["Argus:Credentials:KeyPath"] is { Length: > 0 } keyPath
            ? ClientCredentials.LoadCertificate(Path.GetFullPath(certificatePath, environment.ContentRootPath), Path.GetFullPath(keyPath, environment.ContentRootPath))
            : null);

    public Proto.SignedLogHead Sign(long sequence, string hash)
    {
        var own = certificate.Value
            ?? throw new PreconditionFailedException("This agency service has no key of its own to sign its log's head with (Argus:Credentials:CertificatePath and KeyPath).");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var agency = jurisdiction.Agency.Code();
        return new Proto.SignedLogHead
        {
            Agency = CommonMapping.ToProto(jurisdiction.Agency),
            Sequence = sequence,
            Hash = hash,
            SignTime = Timestamp.FromDateTimeOffset(now),
            Signature = ByteString.CopyFrom(LogHeadSignature.Sign(own, LogHeadSignature.Payload(agency, sequence, hash, now))),
            CertificatePem = own.ExportCertificatePem(),
        };
    }
}

/// <summary>The head of this agency's chain as committed: its last chained entry.</summary>
public static class ChainHead
{
    /// <returns>The last entry's sequence and hash; 0 and the genesis hash while nothing is chained.</returns>
    public static async Task<(long Sequence, string Hash)> ReadAsync(Persistence.AgencyDbContext db, CancellationToken cancellationToken)
    {
        var head = await db.Set<AuditEntryEntity>().AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence)
            .Select(e => new { Sequence = e.Sequence!.Value, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        return head is null ? (0, AuditChain.Genesis) : (head.Sequence, head.Hash!);
    }
}

/// <summary>A head of a partner agency's processing log, as that agency signed it and this one received it.</summary>
public sealed class WitnessedLogHead
{
    public long Id { get; set; }

    public AgencyCode Owner { get; set; }

    public long Sequence { get; set; }

    public string Hash { get; set; } = "";

    public DateTimeOffset SignTime { get; set; }

    public byte[] Signature { get; set; } = [];

    public string CertificatePem { get; set; } = "";

    public DateTimeOffset WitnessTime { get; set; }

    public Proto.SignedLogHead ToProto() => new()
    {
        Agency = CommonMapping.ToProto(Owner),
        Sequence = Sequence,
        Hash = Hash,
        SignTime = Timestamp.FromDateTimeOffset(SignTime),
        Signature = ByteString.CopyFrom(Signature),
        CertificatePem = CertificatePem,
        WitnessTime = Timestamp.FromDateTimeOffset(WitnessTime),
    };
}

internal sealed class WitnessedLogHeadConfiguration : IEntityTypeConfiguration<WitnessedLogHead>
{
    public void Configure(EntityTypeBuilder<WitnessedLogHead> head)
    {
        head.ToTable("WitnessedLogHeads");
        head.HasKey(x => x.Id);
        head.HasIndex(x => new { x.Owner, x.Sequence });
        head.Property(x => x.Hash).HasMaxLength(64);
        head.Property(x => x.CertificatePem).HasMaxLength(8000);
    }
}
