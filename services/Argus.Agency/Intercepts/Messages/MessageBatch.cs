namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// Rows gathered for one transaction, in the form their store writes them, each with its sequence
/// given before it is added. PostgreSQL's batch encodes a row the moment it is added, so that no
/// row object outlives its arrival (objects held until their commit were the collector's largest
/// cost in a bulk load); SQLite's keeps the rows for its prepared inserts.
/// </summary>
public abstract class MessageBatch(long key, long importKey) : IDisposable
{
    public long Key => key;

    /// <summary>The import the rows belong to; 0 for a partner's copy.</summary>
    public long ImportKey => importKey;

    public int Count { get; private set; }

    public void Add(MessageRow row)
    {
        Append(row);
        Count++;
    }

    protected abstract void Append(MessageRow row);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
