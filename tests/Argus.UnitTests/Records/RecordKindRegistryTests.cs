using System.Reflection;
using Argus.Agency;
using Argus.Agency.Callers;
using Argus.Agency.Records;
using Argus.Events;
using Microsoft.AspNetCore.Authorization;

namespace Argus.UnitTests.Records;

/// <summary>What every entry of the registry of record kinds must say of itself.</summary>
public sealed class RecordKindRegistryTests
{
    public static TheoryData<string> Kinds() => [.. AgencyRecordKinds.All.All.Select(k => k.Name)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_kind_service_reads_with_its_read_scope_and_changes_with_its_write_scope(string name)
    {
        var kind = AgencyRecordKinds.All.ByName(name);
        var methods = kind.ServiceType.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        Assert.NotEmpty(methods);
        foreach (var method in methods)
        {
            var policy = method.GetCustomAttribute<AuthorizeAttribute>()?.Policy;
            var open = method.GetCustomAttribute<OpenToPartnersAttribute>() is not null;
            Assert.True(policy == (open ? kind.ReadScope : kind.WriteScope),
                $"{kind.ServiceType.Name}.{method.Name} requires {policy ?? "no scope"}; a {(open ? "read" : "change")} of {kind.Name} requires {(open ? kind.ReadScope : kind.WriteScope)}.");
            Assert.Equal(open, method.Name.StartsWith("Get", StringComparison.Ordinal) || method.Name.StartsWith("List", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_kind_events_are_published_contracts_and_its_message_has_the_record_header(string name)
    {
        var kind = AgencyRecordKinds.All.ByName(name);
        Assert.Equal(2, kind.Events.Count);
        Assert.All(kind.Events, e => Assert.Contains(e, RecordEvents.All));
        foreach (var field in new[] { "name", "handling", "update_time", "etag" })
        {
            Assert.NotNull(kind.Message.FindFieldByName(field));
        }
    }

    [Fact]
    public void Names_resolve_to_their_kind_and_an_unknown_one_is_refused_never_guessed()
    {
        var kinds = AgencyRecordKinds.All;
        Assert.True(kinds.TryParse("operations/argus/arrests/a1", out var arrest));
        Assert.Equal("Arrest", arrest.Kind.Name);
        Assert.True(kinds.TryParse("operations/argus", out var operation));
        Assert.Equal("Operation", operation.Kind.Name);
        Assert.False(kinds.TryParse("operations/argus/interceptedMessages/m1", out _));
        Assert.False(kinds.TryParse("operations/argus/arrests", out _));
        Assert.Throws<InvalidOperationException>(() => kinds.ByName("InterceptedMessage"));
        Assert.Throws<FormatException>(() => kinds.Parse("lookups/1"));
    }
}
