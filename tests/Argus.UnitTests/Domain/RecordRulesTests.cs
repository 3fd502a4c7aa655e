using Argus.Agency.Domain;
using Argus.Agency.Domain.Evidence;
using Argus.Agency.Domain.Operations;
using Argus.Agency.Domain.Shared;

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
        Assert.True(RecordRules.CanBeArrested(DataSubjectCategory.Suspect));
        Assert.True(RecordRules.CanBeArrested(DataSubjectCategory.Convicted));
        Assert.False(RecordRules.CanBeArrested(DataSubjectCategory.Victim));
        Assert.False(RecordRules.CanBeArrested(DataSubjectCategory.OtherParty));
    }

    [Theory]
    [InlineData(EvidenceCategory.Firearm, QuantityUnit.Piece, true)]
    [InlineData(EvidenceCategory.Firearm, QuantityUnit.Kilogram, false)]
    [InlineData(EvidenceCategory.Cash, QuantityUnit.Euro, true)]
    [InlineData(EvidenceCategory.Cash, QuantityUnit.Piece, false)]
    [InlineData(EvidenceCategory.Drugs, QuantityUnit.Kilogram, true)]
    [InlineData(EvidenceCategory.Drugs, QuantityUnit.Euro, false)]
    public void The_unit_fits_what_was_seized(EvidenceCategory category, QuantityUnit unit, bool fits) =>
        Assert.Equal(fits, RecordRules.UnitFitsCategory(category, unit));

    [Fact]
    public void A_closed_operation_has_ended_after_it_started()
    {
        var start = new DateTimeOffset(2021, 3, 9, 0, 0, 0, TimeSpan.Zero);
        Assert.False(RecordRules.ClosedOperationHasEndTime(OperationStatus.Closed, null));
        Assert.True(RecordRules.ClosedOperationHasEndTime(OperationStatus.Active, null));
        Assert.False(RecordRules.EndNotBeforeStart(start, start.AddDays(-1)));
        Assert.True(RecordRules.EndNotBeforeStart(start, start));
    }

    [Fact]
    public void The_participants_include_the_lead_and_the_recording_agency()
    {
        Assert.True(RecordRules.ParticipantsIncludeLeadAndOwner([AgencyCode.Nl, AgencyCode.Be], AgencyCode.Be, AgencyCode.Nl));
        Assert.False(RecordRules.ParticipantsIncludeLeadAndOwner([AgencyCode.Be], AgencyCode.Be, AgencyCode.Nl));
        Assert.False(RecordRules.ParticipantsIncludeLeadAndOwner([AgencyCode.Nl], AgencyCode.Be, AgencyCode.Nl));
    }
}
