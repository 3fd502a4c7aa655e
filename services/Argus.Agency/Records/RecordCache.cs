using System.Collections.Concurrent;

namespace Argus.Agency.Records;

/// <summary>
/// The records this process read or wrote last, by resource name, so that a Get costs no database
/// round trip. Correct because this process is the only writer of its database: every write
/// passes through <see cref="RecordStore"/>, which puts the new version here. A version never
/// replaces a newer one, so a slow reader cannot bring back an old version. Turn it off
/// (Argus:ReadCache:Enabled=false) when several instances share one PostgreSQL database.
/// </summary>
public sealed class RecordCache(int capacity)
{
    private readonly ConcurrentDictionary<string, Record> records = new(StringComparer.Ordinal);

    public bool Enabled => capacity > 0;

    public bool TryGet<T>(string name, out T record)
        where T : Record
    {
        if (records.TryGetValue(name, out var found) && found is T typed)
        {
            record = typed;
            return true;
        }

        record = null!;
        return false;
    }

    /// <summary>Remembers <paramref name="record"/> unless a newer version is already known.</summary>
    public void Put(Record record)
    {
        if (!Enabled)
        {
            return;
        }

        var name = record.Name;
        if (records.Count >= capacity && !records.ContainsKey(name))
        {
            // Full: serve further misses from the database rather than evict under contention.
            return;
        }

        records.AddOrUpdate(name, record, (_, known) => known.Version >= record.Version ? known : record);
    }

    public void Forget(string name) => records.TryRemove(name, out _);
}
