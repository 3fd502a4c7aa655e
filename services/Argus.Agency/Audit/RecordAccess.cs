using Argus.Agency.Domain;
using Argus.Hosting.Errors;

namespace Argus.Agency.Audit;

/// <summary>
/// Who may see and change the records of this agency. Its own callers (and JIT-wide tools, which act
/// for no agency) see everything. A partner agency (a token whose argus_agency is another agency)
/// changes nothing, must justify every consultation (as the Benelux police treaty requires), and
/// sees a record only when it is shared with it — indistinguishable from a record that does not
/// exist otherwise. Shares come with the sharing model; until then a partner sees nothing.
/// </summary>
public sealed class RecordAccess(Caller caller, IJurisdiction jurisdiction)
{
    public bool CallerIsPartner => caller.Agency is { } agency && !string.Equals(agency, jurisdiction.Agency.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Refuses an unjustified consultation by a partner.</summary>
    public void RequireJustifiedRead()
    {
        if (CallerIsPartner && caller.Justification.Trim().Length == 0)
        {
            throw FieldErrors.Invalid(Caller.JustificationHeader, "is required: a partner agency states why it consults each record.");
        }
    }

    /// <summary>Whether the caller may see <paramref name="record"/> at all.</summary>
    public bool MayRead(Record record) => !CallerIsPartner;
}
