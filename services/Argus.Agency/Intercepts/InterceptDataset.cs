using Argus.Agency.Records;

namespace Argus.Agency.Intercepts;

/// <summary>
/// A body of intercepted messages within an operation (a Sky ECC server copy, a wiretap's
/// take): where it comes from, the interception order it rests on, and the part of it a partner
/// it is shared with may hold. The messages are not part of the record: they live in the bulk
/// tables of <see cref="Messages.IMessageStore"/>.
/// </summary>
public sealed class InterceptDataset : OperationRecord
{
    public const string Collection = "interceptDatasets";

    public string Source { get; set; } = "";

    public string AuthorisationReference { get; set; } = "";

    public DateTimeOffset AuthorisedFrom { get; set; }

    public DateTimeOffset AuthorisedUntil { get; set; }

    /// <summary>What a partner may hold: messages of these handles (all, if none) …</summary>
    public List<string> SharedHandles { get; set; } = [];

    /// <summary>… sent from (inclusive) …</summary>
    public DateTimeOffset? SharedFrom { get; set; }

    /// <summary>… until (exclusive).</summary>
    public DateTimeOffset? SharedUntil { get; set; }

    public MessageSubset SharedSubset => new(SharedHandles, SharedFrom, SharedUntil);

    public override string Name => $"operations/{OperationId}/{Collection}/{Id}";

    public override RecordKind Kind => InterceptDatasetKind.Instance;
}

/// <summary>
/// A part of a dataset: the messages any of <paramref name="Handles"/> sent or received (all, if
/// none), sent in [<paramref name="From"/>, <paramref name="Until"/>) (open where unset). Handles
/// are compared as <see cref="Shared.Handles.Normalize"/> makes them.
/// </summary>
public sealed record MessageSubset(IReadOnlyList<string> Handles, DateTimeOffset? From, DateTimeOffset? Until)
{
    public static readonly MessageSubset Whole = new([], null, null);

    public bool IsWhole => Handles.Count == 0 && From is null && Until is null;

    public override string ToString() =>
        IsWhole ? "the whole dataset" : string.Join(", ", new[]
        {
            Handles.Count > 0 ? $"handles {string.Join(' ', Handles.Take(10))}{(Handles.Count > 10 ? $" and {Handles.Count - 10} more" : "")}" : null,
            From is { } from ? $"from {from:yyyy-MM-ddTHH:mm:ssZ}" : null,
            Until is { } until ? $"until {until:yyyy-MM-ddTHH:mm:ssZ}" : null,
        }.OfType<string>());
}
