using System.Collections.Concurrent;
using System.Security.Claims;

namespace Argus.Hosting.Security;

/// <summary>
/// Access tokens this service has fully validated, with the identity each carries, until the
/// token expires. Clients reuse a token for minutes, so signature checks, JSON parsing and the
/// handler's per-request set-up drop out of the hot path (bench.sh unary shows the difference).
/// Only tokens that passed every check are here; the certificate binding is still checked on every
/// call, since it depends on the connection, not the token.
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider clock, int capacity = 10_000)
{
    private readonly ConcurrentDictionary<string, (ClaimsPrincipal Principal, DateTime Expires)> tokens = new(StringComparer.Ordinal);

    /// <summary>
    /// The identity of a token validated before and not yet expired. It is shared by the requests
    /// that carry the token: Argus treats a caller's identity as read-only.
    /// </summary>
    public ClaimsPrincipal? Find(string token)
    {
        if (tokens.TryGetValue(token, out var entry))
        {
            if (entry.Expires > clock.GetUtcNow().UtcDateTime)
            {
                return entry.Principal;
            }

            tokens.TryRemove(token, out _);
        }

        return null;
    }

    public void Remember(string token, ClaimsPrincipal principal, DateTime expires)
    {
        if (tokens.Count >= capacity)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var (known, entry) in tokens)
            {
                if (entry.Expires <= now)
                {
                    tokens.TryRemove(known, out _);
                }
            }

            if (tokens.Count >= capacity)
            {
                tokens.Clear();
            }
        }

        tokens[token] = (principal.Clone(), expires);
    }
}
