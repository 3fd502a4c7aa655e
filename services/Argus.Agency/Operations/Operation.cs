using Argus.Agency.Records;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;

namespace Argus.Agency.Operations;

public enum OperationStatus
{
    Planned = 1,
    Active = 2,
    Suspended = 3,
    Closed = 4,
}

/// <summary>A joint investigation. Its id is agreed between the agencies; the case number is this agency's own.</summary>
public sealed class Operation : Record
{
    public string CodeName { get; set; } = "";

    public string InternalCaseNumber { get; set; } = "";

    public AgencyCode LeadAgency { get; set; }

    public List<AgencyCode> ParticipatingAgencies { get; set; } = [];

    public string LegalBasis { get; set; } = "";

    public OperationStatus Status { get; set; }

    public DateTimeOffset StartTime { get; set; }

    public DateTimeOffset? EndTime { get; set; }

    public Classification Classification { get; set; }

    public string Description { get; set; } = "";

    public override string Name => ResourceName(Id);

    public override string OperationName => Name;

    public override RecordKind Kind => OperationKind.Instance;

    public static string ResourceName(string id) => $"operations/{id}";

    /// <summary>Reports every rule the operation breaks against the request field it concerns.</summary>
    public void CheckRules(AgencyCode owner, FieldErrors errors)
    {
        const string field = OperationKind.RequestField;
        if (LeadAgency != default && !errors.Any)
        {
            errors.Check(OperationRules.ParticipantsIncludeLeadAndOwner(ParticipatingAgencies, LeadAgency, owner), $"{field}.participating_agencies",
                $"must include the lead agency and this agency ({owner.ToString().ToUpperInvariant()}).");
        }

        errors.Check(OperationRules.EndNotBeforeStart(StartTime, EndTime), $"{field}.end_time", "is before start_time.");
        errors.Check(OperationRules.ClosedOperationHasEndTime(Status, EndTime), $"{field}.end_time", "is required when the operation is closed.");
    }
}

/// <summary>Business rules of operations, named for what they require.</summary>
public static class OperationRules
{
    /// <summary>An agency only records operations it takes part in, and the lead takes part too.</summary>
    public static bool ParticipantsIncludeLeadAndOwner(IReadOnlyCollection<AgencyCode> participants, AgencyCode lead, AgencyCode owner) =>
        participants.Contains(lead) && participants.Contains(owner);

    /// <summary>A closed operation has ended, and nothing ends before it starts.</summary>
    public static bool ClosedOperationHasEndTime(OperationStatus status, DateTimeOffset? end) =>
        status != OperationStatus.Closed || end is not null;

    public static bool EndNotBeforeStart(DateTimeOffset start, DateTimeOffset? end) => end is null || end >= start;
}
