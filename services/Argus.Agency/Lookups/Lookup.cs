using Argus.Agency.Persistence;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Lookups;

/// <summary>
/// A partner's hit/no-hit lookup that hit: what matched stays here, with this agency, until an
/// officer decides a follow-up. No-hit lookups leave only their processing-log entry.
/// </summary>
public sealed class Lookup
{
    public const string Collection = "lookups";

    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public AgencyCode Requester { get; set; }

    public string RequestedBy { get; set; } = "";

    /// <summary>"national identifier", "name and date of birth" or "handle": never the searched value itself.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The matched records' names; never shown to the requester.</summary>
    public List<string> Matches { get; set; } = [];

    public DateTimeOffset CreateTime { get; set; }

    public string Name => $"{Collection}/{Id}";
}

public enum FollowUpState
{
    Pending = 1,
    Approved = 2,
    Refused = 3,
}

/// <summary>A partner's request for the details behind a hit, and the owner's decision on it.</summary>
public sealed class FollowUp
{
    public const string Collection = "followUps";

    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public string LookupId { get; set; } = "";

    public AgencyCode Requester { get; set; }

    public string RequestedBy { get; set; } = "";

    public string Purpose { get; set; } = "";

    public FollowUpState State { get; set; } = FollowUpState.Pending;

    public string? DecidedBy { get; set; }

    public string? DecisionReason { get; set; }

    /// <summary>On approval: the shares made, by name.</summary>
    public List<string> Shares { get; set; } = [];

    public DateTimeOffset CreateTime { get; set; }

    public DateTimeOffset? DecideTime { get; set; }

    /// <summary>Concurrency token: two officers deciding at once cannot both win.</summary>
    public int Version { get; set; }

    public string Name => $"{Lookup.Collection}/{LookupId}/{Collection}/{Id}";

    /// <summary>
    /// The owner's officer decides, once: approved or refused, by whom and why. A decided
    /// follow-up stays decided (FailedPrecondition); two officers deciding at once cannot both win
    /// (the version is the concurrency token).
    /// </summary>
    public void Decide(bool approve, string decidedBy, string reason, DateTimeOffset now)
    {
        if (State != FollowUpState.Pending)
        {
            throw new PreconditionFailedException($"{Name} was already {State.ToString().ToLowerInvariant()} by {DecidedBy}.");
        }

        State = approve ? FollowUpState.Approved : FollowUpState.Refused;
        DecidedBy = decidedBy;
        DecisionReason = reason;
        DecideTime = now;
        Version++;
    }
}

internal sealed class LookupConfiguration : IEntityTypeConfiguration<Lookup>
{
    public void Configure(EntityTypeBuilder<Lookup> lookup)
    {
        lookup.ToTable("Lookups");
        lookup.HasKey(x => x.Sequence);
        lookup.HasIndex(x => x.Id).IsUnique();
        lookup.Property(x => x.Id).HasMaxLength(64);
        lookup.Property(x => x.RequestedBy).HasMaxLength(100);
        lookup.Property(x => x.Kind).HasMaxLength(32);
        lookup.Property(x => x.Matches).HasJsonColumn();
        lookup.Ignore(x => x.Name);
    }
}

internal sealed class FollowUpConfiguration : IEntityTypeConfiguration<FollowUp>
{
    public void Configure(EntityTypeBuilder<FollowUp> followUp)
    {
        followUp.ToTable("FollowUps");
        followUp.HasKey(x => x.Sequence);
        followUp.HasIndex(x => new { x.LookupId, x.Id }).IsUnique();
        followUp.HasIndex(x => x.State);
        followUp.Property(x => x.Id).HasMaxLength(64);
        followUp.Property(x => x.LookupId).HasMaxLength(64);
        followUp.Property(x => x.RequestedBy).HasMaxLength(100);
        followUp.Property(x => x.Purpose).HasMaxLength(500);
        followUp.Property(x => x.DecidedBy).HasMaxLength(100);
        followUp.Property(x => x.DecisionReason).HasMaxLength(500);
        followUp.Property(x => x.Shares).HasJsonColumn();
        followUp.Property(x => x.Version).IsConcurrencyToken();
        followUp.Ignore(x => x.Name);
    }
}
