using Argus.Agency.Arrests;
using Argus.Agency.Records;
using Argus.Agency.Evidence;
using Argus.Agency.Operations;
using Argus.Agency.Shared;

namespace Argus.UnitTests.Domain;

public sealed class RecordRulesTests
{
    [Fact]
    public void H3_must_state_its_restrictions()
    {
        Assert.False(RecordRules.H3StatesItsRestrictions(HandlingCode.H3, " "));
        Assert.True(RecordRules.H3StatesItsRestrictions(HandlingCode.H3, "Not for use in asylum procedures"));
        Assert.True(RecordRules.H3StatesItsRestrictions(HandlingCode.H2, null));
    }

    [Fact]
    public void Only_suspects_and_convicts_are_arrested()
    {
        Assert.True(ArrestRules.CanBeArrested(DataSubjectCategory.Suspect));
        Assert.True(ArrestRules.CanBeArrested(DataSubjectCategory.Convicted));
        Assert.False(ArrestRules.CanBeArrested(DataSubjectCategory.Victim));
        Assert.False(ArrestRules.CanBeArrested(DataSubjectCategory.OtherParty));
    }

    [Theory]
    [InlineData(EvidenceCategory.Firearm, QuantityUnit.Piece, true)]
    [InlineData(EvidenceCategory.Firearm, QuantityUnit.Kilogram, false)]
    [InlineData(EvidenceCategory.Cash, QuantityUnit.Euro, true)]
    [InlineData(EvidenceCategory.Cash, QuantityUnit.Piece, false)]
    [InlineData(EvidenceCategory.Drugs, QuantityUnit.Kilogram, true)]
    [InlineData(EvidenceCategory.Drugs, QuantityUnit.Euro, false)]
    public void The_unit_fits_what_was_seized(EvidenceCategory category, QuantityUnit unit, bool fits) =>
        Assert.Equal(fits, EvidenceRules.UnitFitsCategory(category, unit));

    [Fact]
    public void A_closed_operation_has_ended_after_it_started()
    {
        var start = new DateTimeOffset(2021, 3, 9, 0, 0, 0, TimeSpan.Zero);
        Assert.False(OperationRules.ClosedOperationHasEndTime(OperationStatus.Closed, null));
        Assert.True(OperationRules.ClosedOperationHasEndTime(OperationStatus.Active, null));
        Assert.False(OperationRules.EndNotBeforeStart(start, start.AddDays(-1)));
        Assert.True(OperationRules.EndNotBeforeStart(start, start));
    }

    [Fact]
    public void The_participants_include_the_lead_and_the_recording_agency()
    {
        Assert.True(OperationRules.ParticipantsIncludeLeadAndOwner([AgencyCode.Nl, AgencyCode.Be], AgencyCode.Be, AgencyCode.Nl));
        Assert.False(OperationRules.ParticipantsIncludeLeadAndOwner([AgencyCode.Be], AgencyCode.Be, AgencyCode.Nl));
        Assert.False(OperationRules.ParticipantsIncludeLeadAndOwner([AgencyCode.Nl], AgencyCode.Be, AgencyCode.Nl));
    }
}
