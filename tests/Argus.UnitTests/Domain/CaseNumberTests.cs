using Argus.Belgium;
using Argus.Netherlands;

namespace Argus.UnitTests.Domain;

public sealed class CaseNumberTests
{
    [Theory]
    [InlineData("10/960071-21", true)]
    [InlineData("09/123456-20", true)]
    [InlineData("10/96007-21", false)]
    [InlineData("AN.55.L1.012345/21", false)]
    [InlineData("10-960071-21", false)]
    public void The_dutch_service_takes_a_parketnummer(string caseNumber, bool valid) =>
        Assert.Equal(valid, new DutchJurisdiction().IsValidCaseNumber(caseNumber));

    [Theory]
    [InlineData("AN.55.L1.012345/21", true)]
    [InlineData("BR.20.F3.000001/22", true)]
    [InlineData("an.55.L1.012345/21", false)]
    [InlineData("AN.55.L1.12345/21", false)]
    [InlineData("10/960071-21", false)]
    public void The_belgian_service_takes_a_notitienummer(string caseNumber, bool valid) =>
        Assert.Equal(valid, new BelgianJurisdiction().IsValidCaseNumber(caseNumber));
}
