using Argus.Arrests.V1;
using Argus.Common.V1;
using Argus.Evidence.V1;
using Argus.Operations.V1;
using Argus.Searches.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Argus.FunctionalTests;

/// <summary>Valid records to start a test from; each test changes what it is about.</summary>
internal static class Records
{
    public static readonly Timestamp ActionDay = Timestamp.FromDateTimeOffset(new DateTimeOffset(2021, 3, 9, 5, 0, 0, TimeSpan.Zero));

    public static string NewOperationId() => "op-" + Guid.NewGuid().ToString("N")[..12];

    public static string NewRequestId() => Guid.NewGuid().ToString("D");

    public static Operation Operation(string caseNumber) => new()
    {
        CodeName = "Argus",
        InternalCaseNumber = caseNumber,
        LeadAgency = AgencyCode.Nl,
        ParticipatingAgencies = { AgencyCode.Nl, AgencyCode.Be },
        LegalBasis = "JIT agreement NL–BE",
        Status = OperationStatus.Active,
        StartTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2019, 6, 1, 0, 0, 0, TimeSpan.Zero)),
        Handling = new Handling { Code = HandlingCode.H2 },
        Classification = Classification.Confidential,
    };

    public static HouseSearch HouseSearch() => new()
    {
        Address = new Location { StreetAddress = "Coolsingel 40", PostalCode = "3011 AD", Municipality = "Rotterdam", Country = "NL" },
        SearchTime = ActionDay,
        WarrantReference = "RC-2021-0001",
        AuthorisedBy = "rechter-commissaris Rotterdam",
        Handling = new Handling { Code = HandlingCode.H2 },
    };

    public static Person DutchSuspect() => new()
    {
        GivenNames = "Jeroen",
        FamilyName = "de Vries",
        DateOfBirth = new CalendarDate { Year = 1985, Month = 7, Day = 15 },
        Nationalities = { "NL" },
        NationalIdentifier = new NationalIdentifier { Country = "NL", Value = "111222333" },
        Category = DataSubjectCategory.Suspect,
        CommunicationIdentifiers = { new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = "SKY-4X9K2M" } },
    };

    public static Arrest Arrest(Person subject) => new()
    {
        Subject = subject,
        ArrestTime = ActionDay,
        Place = new Location { Municipality = "Rotterdam", Country = "NL" },
        Offences = { new Offence { Code = "Opiumwet art. 10a", Description = "Voorbereiding invoer cocaïne" } },
        LegalBasis = "Wetboek van Strafvordering art. 54",
        CustodyStatus = CustodyStatus.InCustody,
        Handling = new Handling { Code = HandlingCode.H2 },
    };

    public static EvidenceItem Firearm(string exhibitNumber) => new()
    {
        ExhibitNumber = exhibitNumber,
        Category = EvidenceCategory.Firearm,
        Description = "Glock 17, 9 mm",
        Quantity = new Quantity { Amount = 1, Unit = QuantityUnit.Piece },
        SeizeTime = ActionDay,
        SeizedAt = new Location { Municipality = "Rotterdam", Country = "NL" },
        Status = EvidenceStatus.Seized,
        Handling = new Handling { Code = HandlingCode.H2 },
    };

    /// <summary>A Sky ECC server copy under an interception order covering the weeks before the action day.</summary>
    public static Argus.Intercepts.V1.InterceptDataset SkyEccDataset(Argus.Intercepts.V1.MessageSubset? shared = null) => new()
    {
        Source = "Sky ECC server copy (Roubaix), decrypted",
        AuthorisationReference = "RC 2021/113 (art. 126m Sv)",
        AuthorisedFrom = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2020, 6, 1, 0, 0, 0, TimeSpan.Zero)),
        AuthorisedUntil = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2021, 3, 9, 0, 0, 0, TimeSpan.Zero)),
        SharedSubset = shared,
        Handling = new Handling { Code = HandlingCode.H3, Restrictions = "JIT Argus only; no use as evidence without the owner's consent" },
    };

    /// <summary>A seized phone, whose extraction is its digital content.</summary>
    public static EvidenceItem Phone(string exhibitNumber) => new()
    {
        ExhibitNumber = exhibitNumber,
        Category = EvidenceCategory.Device,
        Description = "Sky ECC handset (BlackBerry KEY2), seized at the Rotterdam address",
        Quantity = new Quantity { Amount = 1, Unit = QuantityUnit.Piece },
        SeizeTime = ActionDay,
        SeizedAt = new Location { Municipality = "Rotterdam", Country = "NL" },
        StorageLocation = "Politie Rotterdam, depot B",
        Status = EvidenceStatus.InStorage,
        Handling = new Handling { Code = HandlingCode.H2 },
    };

    /// <summary>The field paths an InvalidArgument names, from its google.rpc.BadRequest detail.</summary>
    public static IReadOnlyList<string> ViolatedFields(RpcException exception)
    {
        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
        var badRequest = exception.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        return badRequest.FieldViolations.Select(v => v.Field).ToList();
    }
}
