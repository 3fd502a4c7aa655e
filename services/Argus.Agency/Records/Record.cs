using Argus.Agency.Shared;

namespace Argus.Agency.Records;

/// <summary>
/// What every record an agency holds has in common: who owns it, how it may be handled, its
/// version for optimistic concurrency, and the request that created it (for idempotent retries).
/// </summary>
public abstract class Record
{
    /// <summary>Storage key; also the order records are listed in.</summary>
    public long Sequence { get; set; }

    /// <summary>The last segment of the resource name.</summary>
    public string Id { get; set; } = "";

    public AgencyCode OwnerAgency { get; set; }

    public Handling Handling { get; set; } = new();

    /// <summary>Incremented on every change; the etag clients send back.</summary>
    public int Version { get; set; }

    public DateTimeOffset CreateTime { get; set; }

    public DateTimeOffset UpdateTime { get; set; }

    /// <summary>The client's request_id of the create, when it sent one.</summary>
    public string? RequestId { get; set; }

    /// <summary>Hash of the create request, to tell a true retry from a reused request_id.</summary>
    public byte[]? RequestFingerprint { get; set; }

    public abstract string Name { get; }

    /// <summary>The operation the record belongs to (an operation's is its own name): sharing an operation shares this record.</summary>
    public abstract string OperationName { get; }

    public string Etag => $"\"{Version}\"";

    /// <summary>Its entry in the registry of record kinds.</summary>
    public abstract RecordKind Kind { get; }

    /// <summary>
    /// The record as shown under <paramref name="handling"/> (a partner sees it under the stricter of
    /// its own code and the share's). A copy: the original may be cached and shared.
    /// </summary>
    public Record ShownAs(Handling handling)
    {
        var copy = (Record)MemberwiseClone();
        copy.Handling = handling;
        return copy;
    }

    /// <summary>
    /// The record as a partner it is shared with (itself, and/or through its operation) is shown it:
    /// under the stricter of its own handling and the shares', in that order; itself when the shares
    /// add nothing.
    /// </summary>
    public Record ShownUnder(Handling? sharedUnder, Handling? alsoSharedUnder = null)
    {
        var handling = Handling.StricterOf(sharedUnder).StricterOf(alsoSharedUnder);
        return handling == Handling ? this : ShownAs(handling);
    }
}

/// <summary>A record that belongs to an operation: house searches, arrests, evidence.</summary>
public abstract class OperationRecord : Record
{
    public string OperationId { get; set; } = "";

    public override string OperationName => $"operations/{OperationId}";
}
