using System.Buffers;

namespace Argus.Agency.Intercepts.Messages;

/// <summary>
/// Whole lines of an import's file, cut on the request's loop and parsed on another: each line's
/// bytes followed by a line break, in pooled memory. A line longer than the limit is kept empty and
/// named in <see cref="LongLines"/>, so the lines keep their numbers and the parser rejects it.
/// </summary>
internal sealed class LineChunk(long firstLine) : IDisposable
{
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
    private int lineStart;

    /// <summary>The number (from 1) of the chunk's first line.</summary>
    public long FirstLine => firstLine;

    public int Lines { get; private set; }

    /// <summary>How many bytes of the file the chunk's lines took (line breaks, a byte order mark and skipped long lines included).</summary>
    public long Bytes { get; set; }

    /// <summary>The numbers of the lines skipped for being too long, if any.</summary>
    public List<long>? LongLines { get; private set; }

    /// <summary>The chunk's bytes held, what a next hand-over weighs.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes of the line not yet ended.</summary>
    public int OpenLineLength => Length - lineStart;

    /// <summary>The lines, each ended by a line break.</summary>
    public ReadOnlySpan<byte> Text => buffer.AsSpan(0, Length);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Ends the open line; <paramref name="tooLong"/> when it was skipped (what it held of it is dropped).</summary>
    public void EndLine(bool tooLong)
    {
        if (tooLong)
        {
            Length = lineStart;
            (LongLines ??= []).Add(firstLine + Lines);
        }

        Reserve(1);
        buffer[Length++] = (byte)'\n';
        lineStart = Length;
        Lines++;
    }

    private void Reserve(int bytes)
    {
        if (buffer.Length - Length >= bytes)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, Length + bytes));
        buffer.AsSpan(0, Length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }

    public void Dispose()
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
        }
    }
}
