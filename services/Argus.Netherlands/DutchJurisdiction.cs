using System.Text.RegularExpressions;
using Argus.Agency.Shared;

namespace Argus.Netherlands;

/// <summary>
/// The Netherlands: cases are numbered by the Openbaar Ministerie with a parketnummer,
/// "NN/NNNNNN-YY": the two-digit code of the public prosecutor's office (e.g. 10 Rotterdam,
/// 09 The Hague), a six-digit serial number and the two-digit year.
/// </summary>
public sealed partial class DutchJurisdiction : IJurisdiction
{
    public AgencyCode Agency => AgencyCode.Nl;

    public string CaseNumberName => "parketnummer";

    public string CaseNumberExample => "10/960071-21";

    public bool IsValidCaseNumber(string caseNumber) => Parketnummer().IsMatch(caseNumber);

    [GeneratedRegex(@"^[0-9]{2}/[0-9]{6}-[0-9]{2}$")]
    private static partial Regex Parketnummer();
}
