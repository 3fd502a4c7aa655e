using Argus.Agency.Shared;
using Argus.Agency.Arrests;
using Argus.Agency.Evidence;
using Argus.Agency.Operations;
using Proto = Argus.Common.V1;

namespace Argus.UnitTests.Api;

/// <summary>The contract and the domain map by member name; a member added on one side only must fail here.</summary>
public sealed class EnumMapTests
{
    [Fact]
    public void Every_contract_value_but_unspecified_has_a_domain_value_and_back()
    {
        AssertRoundTrip<Proto.AgencyCode, AgencyCode>();
        AssertRoundTrip<Proto.HandlingCode, HandlingCode>();
        AssertRoundTrip<Proto.Classification, Classification>();
        AssertRoundTrip<Proto.DataSubjectCategory, DataSubjectCategory>();
        AssertRoundTrip<Proto.CommunicationType, CommunicationType>();
        AssertRoundTrip<Argus.Operations.V1.OperationStatus, OperationStatus>();
        AssertRoundTrip<Argus.Arrests.V1.CustodyStatus, CustodyStatus>();
        AssertRoundTrip<Argus.Evidence.V1.EvidenceCategory, EvidenceCategory>();
        AssertRoundTrip<Argus.Evidence.V1.EvidenceStatus, EvidenceStatus>();
        AssertRoundTrip<Argus.Evidence.V1.QuantityUnit, QuantityUnit>();
    }

    [Fact]
    public void Unspecified_and_unknown_numbers_do_not_map()
    {
        Assert.False(EnumMap<Proto.HandlingCode, HandlingCode>.TryMap(Proto.HandlingCode.Unspecified, out _));
        Assert.False(EnumMap<Proto.HandlingCode, HandlingCode>.TryMap((Proto.HandlingCode)42, out _));
    }

    private static void AssertRoundTrip<TProto, TDomain>()
        where TProto : struct, Enum
        where TDomain : struct, Enum
    {
        foreach (var value in Enum.GetValues<TProto>().Where(v => Convert.ToInt32(v) != 0))
        {
            Assert.True(EnumMap<TProto, TDomain>.TryMap(value, out var domain), $"{typeof(TProto).Name}.{value} has no domain value");
            Assert.Equal(value, EnumMap<TDomain, TProto>.Convert(domain));
        }

        Assert.Equal(Enum.GetValues<TProto>().Length - 1, Enum.GetValues<TDomain>().Length);
    }
}
