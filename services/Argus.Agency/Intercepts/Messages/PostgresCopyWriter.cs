using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// Rows in PostgreSQL's binary COPY format, encoded here. The driver's importer resolves a converter
/// and goes through a parameter object for every field (most of a bulk load's CPU in the profile);
/// the format itself is a length and the bytes per field
/// (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format"), so the few types a
/// message has are written directly into pooled buffers. Given a stream, each full buffer goes to
/// it; without one, the buffers are kept (a batch encoded as it arrives, so that no row object
/// outlives it: in a bulk load, objects held until their commit were the collector's largest cost)
/// until <see cref="WriteTo"/>.
/// </summary>
public sealed class PostgresCopyWriter : IDisposable
{
    /// <summary>The signature "PGCOPY\n\xff\r\n\0", the flags (no OIDs) and an empty header extension.</summary>
    private static ReadOnlySpan<byte> Header => [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>2000-01-01T00:00:00Z, PostgreSQL's epoch, in .NET ticks.</summary>
    private const long PostgresEpochTicks = 630_822_816_000_000_000;

    private const int BufferBytes = 1 << 16;

    private readonly Stream? through;
    private readonly List<(byte[] Buffer, int Used)> kept = [];
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    private int used;

    /// <param name="through">Where full buffers go as they fill; null to keep them until <see cref="WriteTo"/>.</param>
    public PostgresCopyWriter(Stream? through = null)
    {
        this.through = through;
        Header.CopyTo(buffer);
        used = Header.Length;
    }

    public void StartRow(short fields)
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), fields);
        used += 2;
    }

    public void Bigint(long value)
    {
        Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), 8);
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(used + 4), value);
        used += 12;
    }

    public void Bool(bool value)
    {
        Reserve(5);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), 1);
        buffer[used + 4] = value ? (byte)1 : (byte)0;
        used += 5;
    }

    /// <summary>A timestamptz: microseconds since PostgreSQL's epoch, in UTC (the sub-microsecond rest is dropped, as the driver does).</summary>
    public void Timestamptz(DateTimeOffset value) => Bigint((value.UtcTicks - PostgresEpochTicks) / 10);

    /// <summary>
    /// Text as UTF-8, or NULL. The strings come from a parser or protobuf, which never yield a lone
    /// surrogate, so the encoder's replacement never applies; PostgreSQL checks the bytes again.
    /// </summary>
    public void Text(string? value)
    {
        if (value is null)
        {
            Reserve(4);
            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), -1);
            used += 4;
            return;
        }

        Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, buffer.AsSpan(used + 4));
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), length);
        used += 4 + length;
    }

    /// <summary>The trailer; with a stream, everything still buffered goes to it (the caller then completes the COPY).</summary>
    public void Complete()
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), -1);
        used += 2;
        if (through is not null)
        {
            through.Write(buffer, 0, used);
            used = 0;
        }
    }

    /// <summary>What was kept (no stream given), in order, to <paramref name="copy"/>.</summary>
    public void WriteTo(Stream copy)
    {
        foreach (var (full, length) in kept)
        {
            copy.Write(full, 0, length);
        }

        copy.Write(buffer, 0, used);
    }

    private void Reserve(int bytes)
    {
        if (buffer.Length - used >= bytes)
        {
            return;
        }

        if (through is not null)
        {
            through.Write(buffer, 0, used);
            used = 0;
            if (buffer.Length >= bytes)
            {
                return;
            }

            ArrayPool<byte>.Shared.Return(buffer);
        }
        else
        {
            kept.Add((buffer, used));
            used = 0;
        }

        // A new buffer: the usual size, or one that holds a field longer than that (a long text).
        buffer = ArrayPool<byte>.Shared.Rent(Math.Max(BufferBytes, bytes));
    }

    public void Dispose()
    {
        if (buffer.Length == 0)
        {
            return;
        }

        foreach (var (full, _) in kept)
        {
            ArrayPool<byte>.Shared.Return(full);
        }

        kept.Clear();
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }
}
