using Google.Rpc;

namespace Argus.Hosting.Errors;

/// <summary>
/// Collects everything wrong with a request before anything is written, so the caller gets every
/// problem at once, each naming its field (google.rpc.BadRequest.FieldViolation).
/// </summary>
public sealed class FieldErrors
{
    private readonly List<BadRequest.Types.FieldViolation> violations = [];

    public bool Any => violations.Count > 0;

    public IReadOnlyList<BadRequest.Types.FieldViolation> Violations => violations;

    public void Add(string field, string description) =>
        violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });

    /// <summary>Adds a violation when <paramref name="ok"/> is false; returns <paramref name="ok"/>.</summary>
    public bool Check(bool ok, string field, string description)
    {
        if (!ok)
        {
            Add(field, description);
        }

        return ok;
    }

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new InvalidInputException(violations);
        }
    }

    public static InvalidInputException Invalid(string field, string description)
    {
        var errors = new FieldErrors();
        errors.Add(field, description);
        return new InvalidInputException(errors.violations);
    }
}
