using System.Text.RegularExpressions;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;

namespace Argus.Agency.Records;

/// <summary>
/// Resource names (Google AIP-122): "operations/{operation}" and
/// "operations/{operation}/{collection}/{id}". A malformed name is the caller's mistake
/// (InvalidArgument); a well-formed name of nothing is NotFound.
/// </summary>
internal static partial class ResourceNames
{
    /// <summary>"operations/-" in a parent means every operation (AIP-159).</summary>
    public const string AnyOperation = "-";

    public static string NewId() => Guid.CreateVersion7().ToString();

    public static bool IsValidOperationId(string id) => OperationId().IsMatch(id);

    /// <summary>Whether <paramref name="id"/> may be a segment of a resource name.</summary>
    public static bool IsValidId(string id) => Id().IsMatch(id);

    public static string Operation(string name, string field)
    {
        var parts = name.Split('/');
        if (parts is ["operations", var id] && Id().IsMatch(id))
        {
            return id;
        }

        throw FieldErrors.Invalid(field, $"\"{Input.Shorten(name)}\" is not an operation name like \"operations/argus\".");
    }

    /// <summary>The operation id of a parent, or <see cref="AnyOperation"/>.</summary>
    public static string Parent(string parent, string field, bool allowAny)
    {
        if (allowAny && parent == "operations/-")
        {
            return AnyOperation;
        }

        return Operation(parent, field);
    }

    public static (string OperationId, string Id) Child(string name, string collection, string field)
    {
        var parts = name.Split('/');
        if (parts is ["operations", var operationId, var c, var id] && c == collection && Id().IsMatch(operationId) && Id().IsMatch(id))
        {
            return (operationId, id);
        }

        throw FieldErrors.Invalid(field, $"\"{Input.Shorten(name)}\" is not a name like \"operations/argus/{collection}/{{id}}\".");
    }

    /// <summary>An optional link to a sibling record in the same operation: its id, or null when empty.</summary>
    public static string? Link(string name, string operationId, string collection, string field, FieldErrors errors)
    {
        if (name.Length == 0)
        {
            return null;
        }

        var parts = name.Split('/');
        if (parts is ["operations", var linkedOperation, var c, var id] && c == collection && Id().IsMatch(id))
        {
            if (linkedOperation == operationId)
            {
                return id;
            }

            errors.Add(field, "must name a record of the same operation.");
            return null;
        }

        errors.Add(field, $"\"{Input.Shorten(name)}\" is not a name like \"operations/{operationId}/{collection}/{{id}}\".");
        return null;
    }

    public static string ChildName(string operationId, string collection, string id) => $"operations/{operationId}/{collection}/{id}";

    [GeneratedRegex("^[a-z][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex OperationId();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Id();
}
