using System.Text.RegularExpressions;
using Argus.Agency.Shared;

namespace Argus.Belgium;

/// <summary>
/// Belgium: cases are numbered by the public prosecution service (parket) with a notitienummer /
/// numéro de notice, "AA.NN.XX.NNNNNN/YY": the two-letter code of the parket (AN Antwerpen,
/// BR Brussel, GE Gent, …), the two-digit code of the kind of case, the two-character code of the
/// section, a six-digit serial number and the two-digit year.
/// </summary>
public sealed partial class BelgianJurisdiction : IJurisdiction
{
    public AgencyCode Agency => AgencyCode.Be;

    public string CaseNumberName => "notitienummer";

    public string CaseNumberExample => "AN.55.L1.012345/21";

    public bool IsValidCaseNumber(string caseNumber) => Notitienummer().IsMatch(caseNumber);

    [GeneratedRegex(@"^[A-Z]{2}\.[0-9]{2}\.[A-Z0-9]{2}\.[0-9]{6}/[0-9]{2}$")]
    private static partial Regex Notitienummer();
}
