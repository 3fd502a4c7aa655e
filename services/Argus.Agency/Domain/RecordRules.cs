using Argus.Agency.Domain.Evidence;
using Argus.Agency.Domain.Operations;
using Argus.Agency.Domain.Shared;

namespace Argus.Agency.Domain;

/// <summary>
/// Business rules of the records, named for what they require. The API checks them at the boundary
/// and reports each broken one against the field it concerns.
/// </summary>
public static class RecordRules
{
    /// <summary>Clocks drift; a few minutes ahead is not "in the future".</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>H3 means "other restrictions", so it is meaningless without saying which.</summary>
    public static bool H3StatesItsRestrictions(HandlingCode code, string? restrictions) =>
        code != HandlingCode.H3 || !string.IsNullOrWhiteSpace(restrictions);

    /// <summary>An agency only records operations it takes part in, and the lead takes part too.</summary>
    public static bool ParticipantsIncludeLeadAndOwner(IReadOnlyCollection<AgencyCode> participants, AgencyCode lead, AgencyCode owner) =>
        participants.Contains(lead) && participants.Contains(owner);

    /// <summary>A closed operation has ended, and nothing ends before it starts.</summary>
    public static bool ClosedOperationHasEndTime(OperationStatus status, DateTimeOffset? end) =>
        status != OperationStatus.Closed || end is not null;

    public static bool EndNotBeforeStart(DateTimeOffset start, DateTimeOffset? end) => end is null || end >= start;

    /// <summary>Arrests and seizures are recorded after the fact.</summary>
    public static bool HasHappened(DateTimeOffset time, DateTimeOffset now) => time <= now + ClockSkew;

    /// <summary>A person is arrested as a suspect, or to serve a sentence — never as victim or witness.</summary>
    public static bool CanBeArrested(DataSubjectCategory category) =>
        category is DataSubjectCategory.Suspect or DataSubjectCategory.Convicted;

    /// <summary>Firearms are counted, cash is an amount of euros; drugs are weighed, measured or counted.</summary>
    public static bool UnitFitsCategory(EvidenceCategory category, QuantityUnit unit) => category switch
    {
        EvidenceCategory.Firearm or EvidenceCategory.Vehicle or EvidenceCategory.Device => unit == QuantityUnit.Piece,
        EvidenceCategory.Cash => unit == QuantityUnit.Euro,
        EvidenceCategory.Drugs => unit != QuantityUnit.Euro,
        _ => true,
    };
}
