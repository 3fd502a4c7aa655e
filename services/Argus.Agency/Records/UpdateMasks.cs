using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Argus.Agency.Records;

/// <summary>
/// Partial updates (AIP-134): the mask names the fields to change. The change is merged into the
/// stored record in its contract form and the whole result is validated again, so an update can
/// never produce a record a create would have refused.
/// </summary>
internal static class UpdateMasks
{
    private static readonly FieldMask.MergeOptions Replace = new() { ReplaceMessageFields = true, ReplaceRepeatedFields = true };

    /// <summary>Refuses a missing mask, or one naming fields that cannot or do not exist.</summary>
    public static FieldMask Validate<T>(FieldMask? mask, IReadOnlySet<string> updatable, string resourceField)
        where T : IMessage<T>, new()
    {
        if (mask is null || mask.Paths.Count == 0)
        {
            throw FieldErrors.Invalid("update_mask", $"is required: name the fields to change, e.g. \"{updatable.First()}\".");
        }

        var errors = new FieldErrors();
        foreach (var path in mask.Paths)
        {
            var top = path.Split('.')[0];
            errors.Check(updatable.Contains(top), "update_mask",
                $"\"{Input.Shorten(path)}\" cannot be updated; updatable fields of {resourceField}: {string.Join(", ", updatable)}.");
        }

        errors.ThrowIfAny();
        if (!FieldMask.IsValid<T>(mask))
        {
            throw FieldErrors.Invalid("update_mask", $"names a field {resourceField} does not have.");
        }

        return mask;
    }

    /// <summary>Copies the masked fields of <paramref name="change"/> over <paramref name="stored"/>.</summary>
    public static void Merge<T>(FieldMask mask, T change, T stored)
        where T : IMessage<T> => mask.Merge(change, stored, Replace);
}
