using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Argus.Evidence.V1;

namespace Argus.Client.Evidence;

/// <summary>
/// The hash chain of an evidence item's custody history, computed the same way by the service that
/// writes it and by whoever checks it (the CLI, a court's expert): each event's hash covers its
/// fields and the previous event's hash, so a history verifies on its own, without the software
/// that wrote it. The layout is in the agency README ("Chain of custody").
/// </summary>
public static class CustodyChain
{
    private const string Domain = "argus.custody.v1";

    /// <summary>The hash of <paramref name="custodyEvent"/> (its <c>hash</c> field itself not included): lowercase hex SHA-256.</summary>
    public static string HashOf(CustodyEvent custodyEvent)
    {
        var e = custodyEvent;
        string[] fields =
        [
            Domain, e.Name, e.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Action.ToString(), e.ClientId, e.ActingClientId,
            e.Agency.ToString(), e.Officer,
            e.Time is null ? "" : $"{e.Time.Seconds}.{e.Time.Nanos:D9}",
            e.TimeZone, e.StorageLocation, e.SealNumber, e.Authorisation, e.FromCustodian, e.ToCustodian, e.Purpose,
            e.Tool, e.ToolVersion, e.Result, e.VerifiedSha256, e.Acknowledges, e.PreviousHash,
        ];

        // Each field as its UTF-8 length (4 bytes, big-endian) and bytes: no separator can be forged
        // by putting it inside a field.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var field in fields)
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The first event that breaks the chain (wrong index, previous hash or hash) and why; null when the history is whole.</summary>
    public static (CustodyEvent Event, string Reason)? FirstBreak(IReadOnlyList<CustodyEvent> history)
    {
        var previous = "";
        for (var i = 0; i < history.Count; i++)
        {
            var e = history[i];
            if (e.Index != i + 1)
            {
                return (e, $"is numbered {e.Index} where {i + 1} was expected (an event is missing or was inserted)");
            }

            if (e.PreviousHash != previous)
            {
                return (e, "does not name the hash of the event before it");
            }

            if (HashOf(e) != e.Hash)
            {
                return (e, "was altered: its fields do not hash to its hash");
            }

            previous = e.Hash;
        }

        return null;
    }
}
