
namespace Argus.Agency.Shared;

/// <summary>
/// What differs between the countries hosting the agency service: who the agency is and how its
/// prosecution service numbers cases. Each national service supplies its own.
/// </summary>
public interface IJurisdiction
{
    AgencyCode Agency { get; }

    /// <summary>What the case number is called locally, for error messages: "parketnummer".</summary>
    string CaseNumberName { get; }

    /// <summary>A well-formed example, for error messages.</summary>
    string CaseNumberExample { get; }

    bool IsValidCaseNumber(string caseNumber);
}
