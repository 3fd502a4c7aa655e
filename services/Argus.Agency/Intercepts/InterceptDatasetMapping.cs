using Argus.Agency.Intercepts.Messages;
using Argus.Agency.Shared;
using Argus.Hosting.Errors;
using Proto = Argus.Intercepts.V1;

namespace Argus.Agency.Intercepts;

internal static class InterceptDatasetMapping
{
    /// <summary>At most this many handles in a shared subset: a court-authorised part names suspects, not a population.</summary>
    public const int MaxSharedHandles = 1000;

    public static readonly IReadOnlySet<string> Updatable = new HashSet<string>
    {
        "source", "authorisation_reference", "authorised_from", "authorised_until", "shared_subset", "handling",
    };

    public static Proto.InterceptDataset ToProto(InterceptDataset dataset) => new()
    {
        Name = dataset.Name,
        Source = dataset.Source,
        AuthorisationReference = dataset.AuthorisationReference,
        AuthorisedFrom = CommonMapping.ToProto(dataset.AuthorisedFrom),
        AuthorisedUntil = CommonMapping.ToProto(dataset.AuthorisedUntil),
        SharedSubset = dataset.SharedSubset.IsWhole ? null : ToProto(dataset.SharedSubset),
        Handling = CommonMapping.ToProto(dataset.Handling),
        OwnerAgency = CommonMapping.ToProto(dataset.OwnerAgency),
        CreateTime = CommonMapping.ToProto(dataset.CreateTime),
        UpdateTime = CommonMapping.ToProto(dataset.UpdateTime),
        Etag = dataset.Etag,
    };

    public static Proto.MessageSubset ToProto(MessageSubset subset)
    {
        var proto = new Proto.MessageSubset
        {
            StartTime = subset.From is { } from ? CommonMapping.ToProto(from) : null,
            EndTime = subset.Until is { } until ? CommonMapping.ToProto(until) : null,
        };
        proto.Handles.AddRange(subset.Handles);
        return proto;
    }

    public static MessageSubset ToDomain(Proto.MessageSubset? proto, string field, FieldErrors errors)
    {
        if (proto is null)
        {
            return MessageSubset.Whole;
        }

        if (proto.Handles.Count > MaxSharedHandles)
        {
            errors.Add($"{field}.handles", $"has {proto.Handles.Count} handles; at most {MaxSharedHandles}.");
            return MessageSubset.Whole;
        }

        var handles = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < proto.Handles.Count; i++)
        {
            if (Handles.Normalize(proto.Handles[i]) is { } handle)
            {
                handles.Add(handle);
            }
            else
            {
                errors.Add($"{field}.handles[{i}]", $"must be 1 to {Handles.MaxLength} characters without control characters.");
            }
        }

        var from = Input.OptionalTime(proto.StartTime, $"{field}.start_time", errors);
        var until = Input.OptionalTime(proto.EndTime, $"{field}.end_time", errors);
        errors.Check(from is null || until is null || from < until, $"{field}.end_time", "must be after start_time.");
        return new MessageSubset([.. handles], from, until);
    }

    public static void Apply(Proto.InterceptDataset? proto, InterceptDataset target, FieldErrors errors)
    {
        const string field = InterceptDatasetKind.RequestField;
        if (proto is null)
        {
            throw FieldErrors.Invalid(field, "is required.");
        }

        target.Source = Input.Text(proto.Source, $"{field}.source", errors, 500, required: true);
        target.AuthorisationReference = Input.Text(proto.AuthorisationReference, $"{field}.authorisation_reference", errors, 100, required: true);
        target.AuthorisedFrom = Input.Time(proto.AuthorisedFrom, $"{field}.authorised_from", errors);
        target.AuthorisedUntil = Input.Time(proto.AuthorisedUntil, $"{field}.authorised_until", errors);
        errors.Check(proto.AuthorisedFrom is null || proto.AuthorisedUntil is null || target.AuthorisedFrom < target.AuthorisedUntil,
            $"{field}.authorised_until", "must be after authorised_from.");
        var subset = ToDomain(proto.SharedSubset, $"{field}.shared_subset", errors);
        target.SharedHandles = [.. subset.Handles];
        target.SharedFrom = subset.From;
        target.SharedUntil = subset.Until;
        target.Handling = CommonMapping.ToDomain(proto.Handling, $"{field}.handling", errors);
    }
}
