using Argus.Agency;
using NetArchTest.Rules;

namespace Argus.UnitTests.Architecture;

/// <summary>
/// The features of the agency service depend on each other in one direction only. The table says
/// which namespace may use which; it has no cycle, and the compiled code uses nothing else. A new
/// dependency is a line here, seen in review; a new cycle fails the build.
/// </summary>
public sealed class NamespaceDependencyTests
{
    private const string Root = "Argus.Agency";

    /// <summary>Each feature and the features it may use (Shared — value types and mapping helpers — is open to all).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Shared"] = [],
        ["Persistence"] = [],
        ["Callers"] = [],
        ["Partners"] = [],
        ["ProcessingLog"] = ["Persistence", "Callers", "Outbox"],
        ["Outbox"] = ["Persistence"],
        ["Records"] = ["Persistence", "Callers", "ProcessingLog", "Outbox"],
        ["Operations"] = ["Records", "Callers", "Persistence"],
        ["HouseSearches"] = ["Records", "Callers", "Persistence"],
        ["Arrests"] = ["Records", "Callers", "Persistence", "HouseSearches"],
        ["Evidence"] = ["Records", "Callers", "Persistence", "HouseSearches", "Arrests", "ProcessingLog", "Partners"],
        ["Intercepts"] = ["Records", "Callers", "Persistence", "ProcessingLog", "Partners", "Replica"],
        ["Sharing"] = ["Records", "Callers", "Persistence", "ProcessingLog", "Outbox"],
        ["Lookups"] = ["Sharing", "Records", "Arrests", "Callers", "Persistence", "ProcessingLog", "Outbox"],
        ["Replica"] = ["Records", "Partners", "Callers", "Persistence", "ProcessingLog", "Outbox"],
        ["Connectivity"] = ["Partners", "Callers"],
    };

    public static TheoryData<string> Features() => [.. Allowed.Keys];

    [Fact]
    public void The_allowed_dependencies_have_no_cycle()
    {
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        foreach (var feature in Allowed.Keys)
        {
            Visit(feature, []);
        }

        void Visit(string feature, List<string> path)
        {
            if (done.Contains(feature))
            {
                return;
            }

            Assert.True(visiting.Add(feature), $"Cycle: {string.Join(" → ", path.Append(feature))}");
            foreach (var next in Allowed[feature].Where(f => f != "Shared"))
            {
                Visit(next, [.. path, feature]);
            }

            visiting.Remove(feature);
            done.Add(feature);
        }
    }

    [Theory]
    [MemberData(nameof(Features))]
    public void A_feature_uses_only_the_features_it_may(string feature)
    {
        var forbidden = Allowed.Keys.Where(f => f != feature && f != "Shared" && !Allowed[feature].Contains(f)).Select(f => $"{Root}.{f}")
            .Append($"{Root}.{nameof(AgencyHost)}").Append($"{Root}.{nameof(AgencyRecordKinds)}")
            .ToArray();
        var result = Types.InAssembly(typeof(AgencyHost).Assembly).That().ResideInNamespace($"{Root}.{feature}")
            .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful, $"{feature} uses what it may not: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Every_namespace_of_the_service_is_a_feature_in_the_table()
    {
        var namespaces = typeof(AgencyHost).Assembly.GetTypes()
            .Select(t => t.Namespace ?? "")
            .Where(n => n.StartsWith(Root + ".", StringComparison.Ordinal))
            .Select(n => n[(Root.Length + 1)..].Split('.')[0])
            .Distinct();
        Assert.All(namespaces, n => Assert.True(Allowed.ContainsKey(n), $"{Root}.{n} is not in {nameof(Allowed)}: say what it may depend on."));
    }
}
