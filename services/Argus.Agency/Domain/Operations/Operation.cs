using Argus.Agency.Domain.Shared;

namespace Argus.Agency.Domain.Operations;

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

    public static string ResourceName(string id) => $"operations/{id}";
}
