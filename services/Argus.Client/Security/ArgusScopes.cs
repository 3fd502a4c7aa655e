namespace Argus.Client.Security;

/// <summary>Scopes per capability: what a token lets its holder do.</summary>
public static class ArgusScopes
{
    public const string OperationsRead = "argus.operations.read";
    public const string OperationsWrite = "argus.operations.write";
    public const string SearchesRead = "argus.searches.read";
    public const string SearchesWrite = "argus.searches.write";
    public const string ArrestsRead = "argus.arrests.read";
    public const string ArrestsWrite = "argus.arrests.write";
    public const string EvidenceRead = "argus.evidence.read";
    public const string EvidenceWrite = "argus.evidence.write";
    public const string InterceptsRead = "argus.intercepts.read";
    public const string InterceptsWrite = "argus.intercepts.write";

    /// <summary>Agency-to-agency exchange of shared records.</summary>
    public const string Exchange = "argus.exchange";

    /// <summary>Security officers: change client credentials.</summary>
    public const string Admin = "argus.admin";

    /// <summary>Observers: read client credentials, audit trails, connectivity.</summary>
    public const string AdminRead = "argus.admin.read";

    /// <summary>JIT-wide administration: manage clients of both agencies and clients that act for no agency.</summary>
    public const string AdminJit = "argus.admin.jit";

    /// <summary>Whether <paramref name="scope"/> only reads (argus.arrests.read, argus.admin.read, …).</summary>
    public static bool IsRead(string scope) => scope.StartsWith("argus.", StringComparison.Ordinal) && scope.EndsWith(".read", StringComparison.Ordinal);

    public static readonly IReadOnlyList<string> All =
    [
        OperationsRead, OperationsWrite, SearchesRead, SearchesWrite, ArrestsRead, ArrestsWrite,
        EvidenceRead, EvidenceWrite, InterceptsRead, InterceptsWrite, Exchange, Admin, AdminRead, AdminJit,
    ];
}

/// <summary>Audiences: which service a token is for. A token for one agency is refused by the other.</summary>
public static class ArgusAudiences
{
    public const string Identity = "urn:argus:identity";

    public static string Agency(string agencyCode) => $"urn:argus:agency:{agencyCode.ToLowerInvariant()}";
}
