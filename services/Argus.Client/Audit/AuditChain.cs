using System.Security.Cryptography;
using System.Text;
using Argus.Audit.V1;

namespace Argus.Client.Audit;

/// <summary>
/// The hash chain of the processing log, in one place for the services that write it and the tools
/// that check it (argus audit verify). An entry's hash is SHA-256 over its fields, in a fixed
/// order and encoding, and the previous entry's hash.
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    public static string Hash(long sequence, DateTimeOffset time, string clientId, string action, string record, string justification,
        IEnumerable<string> recipients, string details, string previousHash)
    {
        var canonical = string.Join('\n',
            sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond).ToString(System.Globalization.CultureInfo.InvariantCulture),
            clientId,
            action.ToLowerInvariant(),
            record,
            justification,
            string.Join(',', recipients),
            details,
            previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public static string Hash(AuditEntry entry) => Hash(entry.Sequence, entry.Time.ToDateTimeOffset(), entry.ClientId,
        entry.Action.ToString(), entry.Record, entry.Justification, entry.Recipients, entry.Details, entry.PreviousHash);

    /// <summary>
    /// Checks entries in log order, continuing from <paramref name="previous"/> (the last good hash
    /// and sequence of an earlier page). Returns the first broken entry's sequence and why, or null.
    /// </summary>
    public static (long Sequence, string Reason)? FirstBreak(IEnumerable<AuditEntry> entries, ref string previous, ref long sequence)
    {
        foreach (var entry in entries)
        {
            if (entry.Sequence != sequence + 1)
            {
                return (sequence + 1, $"entry {sequence + 1} is missing (the next one is {entry.Sequence})");
            }

            if (entry.PreviousHash != previous)
            {
                return (entry.Sequence, "its previous_hash is not the hash of the entry before it");
            }

            if (Hash(entry) != entry.Hash)
            {
                return (entry.Sequence, "its content does not match its hash: it was changed after it was written");
            }

            previous = entry.Hash;
            sequence = entry.Sequence;
        }

        return null;
    }
}
