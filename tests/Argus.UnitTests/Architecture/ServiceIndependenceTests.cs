using System.Reflection;
using Argus.Agency;
using Argus.Belgium;
using Argus.Netherlands;
using NetArchTest.Rules;

namespace Argus.UnitTests.Architecture;

/// <summary>
/// The Dutch and Belgian services share the agency library and the contracts in protos/, never
/// each other's code; the shared library knows neither country.
/// </summary>
public sealed class ServiceIndependenceTests
{
    private static readonly Assembly Netherlands = typeof(DutchJurisdiction).Assembly;
    private static readonly Assembly Belgium = typeof(BelgianJurisdiction).Assembly;
    private static readonly Assembly SharedAgency = typeof(AgencyHost).Assembly;

    [Fact]
    public void The_dutch_service_does_not_depend_on_the_belgian_one()
    {
        Assert.DoesNotContain(Netherlands.GetReferencedAssemblies(), a => a.Name == Belgium.GetName().Name);
        AssertNoDependency(Netherlands, "Argus.Belgium");
    }

    [Fact]
    public void The_belgian_service_does_not_depend_on_the_dutch_one()
    {
        Assert.DoesNotContain(Belgium.GetReferencedAssemblies(), a => a.Name == Netherlands.GetName().Name);
        AssertNoDependency(Belgium, "Argus.Netherlands");
    }

    [Fact]
    public void The_shared_agency_library_knows_neither_country()
    {
        AssertNoDependency(SharedAgency, "Argus.Netherlands");
        AssertNoDependency(SharedAgency, "Argus.Belgium");
    }

    [Fact]
    public void The_project_files_reference_no_other_national_service()
    {
        var services = Path.Combine(Repository.Root(), "services");
        foreach (var (project, forbidden) in new[] { ("Argus.Netherlands", "Argus.Belgium"), ("Argus.Belgium", "Argus.Netherlands"), ("Argus.Agency", "Argus.Netherlands"), ("Argus.Agency", "Argus.Belgium") })
        {
            var text = File.ReadAllText(Path.Combine(services, project, $"{project}.csproj"));
            Assert.DoesNotContain(forbidden, text, StringComparison.Ordinal);
        }
    }

    private static void AssertNoDependency(Assembly assembly, string forbiddenNamespace)
    {
        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOn(forbiddenNamespace).GetResult();
        Assert.True(result.IsSuccessful, $"{assembly.GetName().Name} depends on {forbiddenNamespace}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}
