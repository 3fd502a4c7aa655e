using Google.Rpc;

namespace Argus.Hosting.Errors;

// The ways a request can fail through the caller's doing. RpcErrorInterceptor turns each into its
// gRPC status; anything else is our fault and becomes Internal.

/// <summary>InvalidArgument: the request itself is wrong; every violation names its field.</summary>
public sealed class InvalidInputException(IReadOnlyList<BadRequest.Types.FieldViolation> violations)
    : Exception(Describe(violations))
{
    public IReadOnlyList<BadRequest.Types.FieldViolation> Violations { get; } = violations;

    // The message names the first few; the BadRequest detail lists more (RpcErrorInterceptor bounds both).
    private static string Describe(IReadOnlyList<BadRequest.Types.FieldViolation> violations) =>
        violations.Count == 1
            ? $"{BoundedText.Shorten(violations[0].Field, 100)}: {violations[0].Description}"
            : $"{violations.Count} invalid fields: "
              + string.Join("; ", violations.Take(3).Select(v => $"{BoundedText.Shorten(v.Field, 100)}: {v.Description}"))
              + (violations.Count > 3 ? $"; and {violations.Count - 3} more" : "");
}

/// <summary>NotFound: no such resource, or none the caller may know of.</summary>
public sealed class ResourceNotFoundException(string resourceName)
    : Exception($"{BoundedText.Shorten(resourceName, 200)} was not found.")
{
    public string ResourceName { get; } = resourceName;
}

/// <summary>AlreadyExists: a create that collides with an existing resource.</summary>
public sealed class ResourceAlreadyExistsException(string message) : Exception(message);

/// <summary>Aborted: the resource changed since the caller read it (stale etag, lost race).</summary>
public sealed class ConcurrentChangeException(string message) : Exception(message);

/// <summary>FailedPrecondition: the request is valid, but the system is not in a state to do it.</summary>
public sealed class PreconditionFailedException(string message) : Exception(message);

/// <summary>PermissionDenied: the caller is known but may not do this.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);

/// <summary>ResourceExhausted: the request asks for more than this service accepts (a size limit).</summary>
public sealed class QuotaExceededException(string message) : Exception(message);
