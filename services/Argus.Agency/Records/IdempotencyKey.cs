using System.Security.Cryptography;
using Argus.Hosting.Errors;
using Google.Protobuf;

namespace Argus.Agency.Records;

/// <summary>
/// A create's request_id (AIP-155) with a fingerprint of what was asked, so that a retry returns
/// the first result, while the same id reused for a different record is refused.
/// </summary>
public sealed record IdempotencyKey(string RequestId, byte[] Fingerprint)
{
    public static IdempotencyKey? From(string requestId, string parent, IMessage? resource)
    {
        if (requestId.Length == 0)
        {
            return null;
        }

        if (!Guid.TryParseExact(requestId, "D", out var parsed))
        {
            throw FieldErrors.Invalid("request_id", "must be a UUID such as 3f2c9a8e-5b1d-4c4e-9f0a-2b7d6c1e8a90.");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(parent));
        hash.AppendData(resource?.ToByteArray() ?? []);
        return new IdempotencyKey(parsed.ToString("D"), hash.GetHashAndReset());
    }
}
