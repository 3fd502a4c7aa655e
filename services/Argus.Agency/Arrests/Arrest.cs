using Argus.Agency.HouseSearches;
using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;

namespace Argus.Agency.Arrests;

public enum CustodyStatus
{
    InCustody = 1,
    PreTrialDetention = 2,
    Released = 3,
    ReleasedOnConditions = 4,
    Transferred = 5,
}

/// <summary>An arrest of a person within an operation.</summary>
public sealed class Arrest : OperationRecord
{
    public const string Collection = "arrests";

    public Person Subject { get; set; } = new();

    public DateTimeOffset ArrestTime { get; set; }

    public Location Place { get; set; } = new();

    public AgencyCode ArrestingAgency { get; set; }

    public List<Offence> Offences { get; set; } = [];

    public string LegalBasis { get; set; } = "";

    public CustodyStatus CustodyStatus { get; set; }

    /// <summary>The subject's handles as the lookup index holds them; set by <see cref="IndexSubjectHandles"/>.</summary>
    public List<ArrestSubjectHandle> SubjectHandles { get; set; } = [];

    /// <summary>Id of the house search (same operation) during which the arrest was made.</summary>
    public string? HouseSearchId { get; set; }

    /// <summary>
    /// Brings the lookup index in line with the subject's communication identifiers: kept rows stay,
    /// the rest are replaced (the collection must be loaded when the arrest is not new).
    /// </summary>
    public void IndexSubjectHandles()
    {
        var wanted = Subject.CommunicationIdentifiers
            .Select(c => (c.Type, Handle: Handles.Normalize(c.Value)))
            .Where(c => c.Handle is not null)
            .Distinct()
            .ToList();
        SubjectHandles.RemoveAll(h => !wanted.Contains((h.Type, h.Handle)));
        foreach (var (type, handle) in wanted.Where(w => !SubjectHandles.Exists(h => h.Type == w.Type && h.Handle == w.Handle)))
        {
            SubjectHandles.Add(new ArrestSubjectHandle { Type = type, Handle = handle! });
        }
    }

    public override string Name => $"operations/{OperationId}/{Collection}/{Id}";

    public override RecordKind Kind => ArrestKind.Instance;

    /// <summary>Reports every rule the arrest breaks against the request field it concerns.</summary>
    public void CheckRules(DateTimeOffset now, FieldErrors errors)
    {
        const string field = ArrestKind.RequestField;
        if (Subject.Category != default)
        {
            errors.Check(ArrestRules.CanBeArrested(Subject.Category), $"{field}.subject.category",
                "must be SUSPECT or CONVICTED: victims and other parties are not arrested.");
        }

        if (ArrestTime != default)
        {
            errors.Check(RecordRules.HasHappened(ArrestTime, now), $"{field}.arrest_time", "is in the future.");
        }
    }
}

/// <summary>Business rules of arrests, named for what they require.</summary>
public static class ArrestRules
{
    /// <summary>A person is arrested as a suspect, or to serve a sentence — never as victim or witness.</summary>
    public static bool CanBeArrested(DataSubjectCategory category) =>
        category is DataSubjectCategory.Suspect or DataSubjectCategory.Convicted;
}
