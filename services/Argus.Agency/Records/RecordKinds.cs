namespace Argus.Agency.Records;

/// <summary>
/// The registry of record kinds this service holds (see AgencyRecordKinds for the list). Anything
/// that handles "some record" finds its kind here; a name or stored kind it does not know is an
/// error, never a guess.
/// </summary>
public sealed class RecordKinds
{
    private readonly Dictionary<string, RecordKind> byName;
    private readonly Dictionary<string, RecordKind> byCollection;
    private readonly Dictionary<System.Type, RecordKind> byType;
    private readonly RecordKind root;

    public RecordKinds(IReadOnlyList<RecordKind> kinds)
    {
        All = kinds;
        byName = kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);
        byType = kinds.ToDictionary(k => k.RecordType);
        byCollection = kinds.Where(k => k.Collection is not null).ToDictionary(k => k.Collection!, StringComparer.Ordinal);
        root = kinds.Single(k => k.Collection is null);
    }

    public IReadOnlyList<RecordKind> All { get; }

    /// <summary>The name of an operation: the root every other record's name starts with.</summary>
    public RecordName OperationNamed(string operationId) => new(root, operationId, operationId);

    /// <summary>The kind whose records are named "operations/{operation}/{collection}/{id}".</summary>
    public RecordKind InCollection(string collection) =>
        byCollection.TryGetValue(collection, out var kind) ? kind : throw new InvalidOperationException($"\"{collection}\" is not a collection of records this service knows.");

    /// <summary>The kind stored under <paramref name="name"/> with a partner's copy.</summary>
    public RecordKind ByName(string name) =>
        byName.TryGetValue(name, out var kind) ? kind : throw new InvalidOperationException($"\"{name}\" is not a kind of record this service knows.");

    public RecordKind Of(System.Type recordType) =>
        byType.TryGetValue(recordType, out var kind) ? kind : throw new InvalidOperationException($"{recordType.Name} is not a registered kind of record.");

    /// <summary>Reads a record's resource name: "operations/{operation}" or "operations/{operation}/{collection}/{id}".</summary>
    public bool TryParse(string name, out RecordName parsed)
    {
        parsed = null!;
        var parts = name.Split('/');
        if (parts is ["operations", var operationId] && ResourceNames.IsValidId(operationId))
        {
            parsed = new RecordName(root, operationId, operationId);
        }
        else if (parts is ["operations", var operation, var collection, var id]
            && ResourceNames.IsValidId(operation) && ResourceNames.IsValidId(id) && byCollection.TryGetValue(collection, out var kind))
        {
            parsed = new RecordName(kind, operation, id);
        }

        return parsed is not null;
    }

    public RecordName Parse(string name) =>
        TryParse(name, out var parsed) ? parsed : throw new FormatException($"\"{Shared.Input.Shorten(name)}\" is not the name of a record.");

    /// <summary>What a record's name may look like, for error messages.</summary>
    public string Describe() => "an operation (\"operations/argus\") or one of its " + string.Join(", ", byCollection.Keys);

    /// <summary>The links of every kind that point at records of <paramref name="collection"/>.</summary>
    public IEnumerable<(RecordKind Kind, RecordLink Link)> LinksTo(string collection) =>
        All.SelectMany(kind => kind.Links.Where(link => link.TargetCollection == collection).Select(link => (kind, link)));
}

/// <summary>A record's resource name, read: its kind, operation and id (an operation's id is its operation's).</summary>
public sealed record RecordName(RecordKind Kind, string OperationId, string Id)
{
    public string OperationName => $"operations/{OperationId}";

    public override string ToString() => Kind.Collection is null ? OperationName : ResourceNames.ChildName(OperationId, Kind.Collection, Id);
}
