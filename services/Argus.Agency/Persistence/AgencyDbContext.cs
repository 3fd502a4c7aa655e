using System.Text.Json;
using Argus.Agency.Domain;
using Argus.Agency.Domain.Arrests;
using Argus.Agency.Domain.Evidence;
using Argus.Agency.Domain.HouseSearches;
using Argus.Agency.Domain.Operations;
using Argus.Agency.Domain.Shared;
using Argus.Agency.Domain.Sharing;
using Argus.Agency.Audit;
using Argus.Agency.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Argus.Agency.Persistence;

/// <summary>
/// The agency's records. One model for both providers; each provider has its own subclass only so
/// that each keeps its own migrations (SqliteAgencyDbContext, PostgresAgencyDbContext).
/// </summary>
public abstract class AgencyDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Operation> Operations => Set<Operation>();

    public DbSet<HouseSearch> HouseSearches => Set<HouseSearch>();

    public DbSet<Arrest> Arrests => Set<Arrest>();

    public DbSet<EvidenceItem> EvidenceItems => Set<EvidenceItem>();

    /// <summary>What the owner shared with which partner agency.</summary>
    public DbSet<Share> Shares => Set<Share>();

    /// <summary>Events committed with their changes, waiting for (or done with) publication.</summary>
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    /// <summary>Copies of what partners shared with this agency.</summary>
    public DbSet<Replica.ForeignRecord> ForeignRecords => Set<Replica.ForeignRecord>();

    /// <summary>Ids of the messages already processed (the inbox that makes consumers idempotent).</summary>
    public DbSet<Replica.InboxMessage> InboxMessages => Set<Replica.InboxMessage>();

    public DbSet<Replica.SyncCursor> SyncCursors => Set<Replica.SyncCursor>();

    /// <summary>Partners' lookups that hit, and their follow-ups.</summary>
    public DbSet<Domain.Lookups.Lookup> Lookups => Set<Domain.Lookups.Lookup>();

    public DbSet<Domain.Lookups.FollowUp> FollowUps => Set<Domain.Lookups.FollowUp>();

    /// <summary>The processing log (Directive 2016/680 Art. 25), append-only and hash-chained.</summary>
    public DbSet<AuditEntryEntity> AuditEntries => Set<AuditEntryEntity>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums as their names: readable for a DBA, and safe when members are added.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Operation>(operation =>
        {
            MapRecord(operation);
            operation.HasIndex(x => x.Id).IsUnique();
            operation.Property(x => x.CodeName).HasMaxLength(100);
            operation.Property(x => x.InternalCaseNumber).HasMaxLength(64);
            operation.Property(x => x.LegalBasis).HasMaxLength(1000);
            operation.Property(x => x.Description).HasMaxLength(4000);
            operation.Property(x => x.ParticipatingAgencies).HasConversion(new JsonListConverter<AgencyCode>(), new JsonListComparer<AgencyCode>());
        });

        modelBuilder.Entity<HouseSearch>(search =>
        {
            MapOperationRecord(search);
            search.ComplexProperty(x => x.Address, MapLocation);
            search.Property(x => x.WarrantReference).HasMaxLength(100);
            search.Property(x => x.AuthorisedBy).HasMaxLength(200);
            search.Property(x => x.ResultSummary).HasMaxLength(4000);
        });

        modelBuilder.Entity<Arrest>(arrest =>
        {
            MapOperationRecord(arrest);
            arrest.ComplexProperty(x => x.Subject, person =>
            {
                person.Property(x => x.GivenNames).HasMaxLength(200);
                person.Property(x => x.FamilyName).HasMaxLength(200);
                person.Property(x => x.NationalIdentifierCountry).HasMaxLength(2);
                person.Property(x => x.NationalIdentifierValue).HasMaxLength(32);
                person.Property(x => x.Nationalities).HasConversion(new JsonListConverter<string>(), new JsonListComparer<string>());
                person.Property(x => x.Aliases).HasConversion(new JsonListConverter<string>(), new JsonListComparer<string>());
                person.Property(x => x.CommunicationIdentifiers).HasConversion(new JsonListConverter<CommunicationIdentifier>(), new JsonListComparer<CommunicationIdentifier>());
            });
            arrest.ComplexProperty(x => x.Place, MapLocation);
            arrest.Property(x => x.Offences).HasConversion(new JsonListConverter<Offence>(), new JsonListComparer<Offence>());
            arrest.Property(x => x.LegalBasis).HasMaxLength(1000);
            arrest.Property(x => x.HouseSearchId).HasMaxLength(64);
        });

        modelBuilder.Entity<Share>(share =>
        {
            share.ToTable("Shares");
            share.HasKey(x => x.Sequence);
            share.HasIndex(x => new { x.OperationId, x.Id }).IsUnique();
            share.HasIndex(x => new { x.Recipient, x.Record }); // may this partner read it?
            share.HasIndex(x => x.Record); // whom must a change of it be published to?
            share.Property(x => x.Id).HasMaxLength(64);
            share.Property(x => x.OperationId).HasMaxLength(64);
            share.Property(x => x.Record).HasMaxLength(200);
            share.Property(x => x.Purpose).HasMaxLength(500);
            share.Property(x => x.SharedBy).HasMaxLength(100);
            share.ComplexProperty(x => x.Handling, handling => handling.Property(x => x.Restrictions).HasMaxLength(1000));
            share.Ignore(x => x.Name);
        });

        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("OutboxMessages");
            outbox.HasKey(x => x.Sequence);
            outbox.HasIndex(x => x.MessageId).IsUnique();
            outbox.HasIndex(x => x.PublishTime);
            outbox.Property(x => x.Type).HasMaxLength(100);
            outbox.Property(x => x.RoutingKey).HasMaxLength(16);
        });

        modelBuilder.Entity<Replica.ForeignRecord>(copy =>
        {
            copy.ToTable("ForeignRecords");
            copy.HasKey(x => x.Sequence);
            copy.HasIndex(x => new { x.Owner, x.Record }).IsUnique();
            copy.HasIndex(x => new { x.Owner, x.OperationId });
            copy.Property(x => x.Record).HasMaxLength(200);
            copy.Property(x => x.OperationId).HasMaxLength(64);
            copy.Property(x => x.HandlingRestrictions).HasMaxLength(1000);
            copy.Ignore(x => x.Name);
        });

        modelBuilder.Entity<Replica.InboxMessage>(inbox =>
        {
            inbox.ToTable("InboxMessages");
            inbox.HasKey(x => x.MessageId);
        });

        modelBuilder.Entity<Replica.SyncCursor>(cursor =>
        {
            cursor.ToTable("SyncCursors");
            cursor.HasKey(x => x.Owner);
        });

        modelBuilder.Entity<Domain.Lookups.Lookup>(lookup =>
        {
            lookup.ToTable("Lookups");
            lookup.HasKey(x => x.Sequence);
            lookup.HasIndex(x => x.Id).IsUnique();
            lookup.Property(x => x.Id).HasMaxLength(64);
            lookup.Property(x => x.RequestedBy).HasMaxLength(100);
            lookup.Property(x => x.Kind).HasMaxLength(32);
            lookup.Property(x => x.Matches).HasConversion(new JsonListConverter<string>(), new JsonListComparer<string>());
            lookup.Ignore(x => x.Name);
        });

        modelBuilder.Entity<Domain.Lookups.FollowUp>(followUp =>
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
            followUp.Property(x => x.Shares).HasConversion(new JsonListConverter<string>(), new JsonListComparer<string>());
            followUp.Property(x => x.Version).IsConcurrencyToken();
            followUp.Ignore(x => x.Name);
        });

        modelBuilder.Entity<AuditEntryEntity>(entry =>
        {
            entry.ToTable("AuditEntries");
            entry.HasKey(x => x.Id);
            // One place in the chain per entry: a second sealer cannot fork it.
            entry.HasIndex(x => x.Sequence).IsUnique();
            entry.Property(x => x.ClientId).HasMaxLength(100);
            entry.Property(x => x.Record).HasMaxLength(200);
            entry.Property(x => x.Justification).HasMaxLength(500);
            entry.Property(x => x.Recipients).HasMaxLength(100);
            entry.Property(x => x.PreviousHash).HasMaxLength(64);
            entry.Property(x => x.Hash).HasMaxLength(64);
            entry.HasIndex(x => x.Record);
        });

        modelBuilder.Entity<EvidenceItem>(item =>
        {
            MapOperationRecord(item);
            item.HasIndex(x => new { x.OperationId, x.ExhibitNumber }).IsUnique();
            item.Property(x => x.ExhibitNumber).HasMaxLength(50);
            item.Property(x => x.Description).HasMaxLength(4000);
            item.ComplexProperty(x => x.Quantity);
            item.ComplexProperty(x => x.SeizedAt, MapLocation);
            item.Property(x => x.StorageLocation).HasMaxLength(500);
            item.Property(x => x.HouseSearchId).HasMaxLength(64);
            item.Property(x => x.ArrestId).HasMaxLength(64);
        });
    }

    private static void MapRecord<T>(EntityTypeBuilder<T> record)
        where T : Record
    {
        record.HasKey(x => x.Sequence);
        record.Property(x => x.Id).HasMaxLength(64);
        record.Property(x => x.Version).IsConcurrencyToken();
        record.Property(x => x.RequestId).HasMaxLength(36);
        record.HasIndex(x => x.RequestId).IsUnique();
        record.ComplexProperty(x => x.Handling, handling => handling.Property(x => x.Restrictions).HasMaxLength(1000));
        record.Ignore(x => x.Name);
        record.Ignore(x => x.OperationName);
        record.Ignore(x => x.Etag);
    }

    private static void MapOperationRecord<T>(EntityTypeBuilder<T> record)
        where T : OperationRecord
    {
        MapRecord(record);
        record.Property(x => x.OperationId).HasMaxLength(64);
        record.HasIndex(x => new { x.OperationId, x.Id }).IsUnique();
    }

    private static void MapLocation(ComplexPropertyBuilder<Location> location)
    {
        location.Property(x => x.StreetAddress).HasMaxLength(200);
        location.Property(x => x.PostalCode).HasMaxLength(16);
        location.Property(x => x.Municipality).HasMaxLength(100);
        location.Property(x => x.Country).HasMaxLength(2);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Small lists stored as a JSON text column: the same on SQLite and PostgreSQL.</summary>
    private sealed class JsonListConverter<T>() : ValueConverter<List<T>, string>(
        list => JsonSerializer.Serialize(list, Json),
        text => JsonSerializer.Deserialize<List<T>>(text, Json) ?? new List<T>());

    /// <summary>Lists compare by content, so EF notices a changed list.</summary>
    private sealed class JsonListComparer<T>() : ValueComparer<List<T>>(
        (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
        list => list.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)),
        list => list.ToList());
}
