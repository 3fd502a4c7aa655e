namespace Argus.Agency.Shared;

/// <summary>Directive (EU) 2016/680 Art. 6: every record about a person says which kind of data subject it concerns.</summary>
public enum DataSubjectCategory
{
    Suspect = 1,
    Convicted = 2,
    Victim = 3,
    OtherParty = 4,
}

public enum CommunicationType
{
    PhoneNumber = 1,
    SkyEcc = 2,
    Encrochat = 3,
    Email = 4,
    Other = 5,
}

/// <summary>A phone number or messenger handle, such as a Sky ECC ID.</summary>
public sealed record CommunicationIdentifier(CommunicationType Type, string Value);

/// <summary>A natural person a record is about.</summary>
public sealed record Person
{
    public string GivenNames { get; init; } = "";

    public string FamilyName { get; init; } = "";

    public DateOnly DateOfBirth { get; init; }

    /// <summary>ISO 3166-1 alpha-2 codes.</summary>
    public List<string> Nationalities { get; init; } = [];

    /// <summary>Issuing country of the national identifier, when one is known.</summary>
    public string? NationalIdentifierCountry { get; init; }

    /// <summary>The identifier in its normalised form (digits only for BSN and rijksregisternummer).</summary>
    public string? NationalIdentifierValue { get; init; }

    public DataSubjectCategory Category { get; init; }

    public List<string> Aliases { get; init; } = [];

    public List<CommunicationIdentifier> CommunicationIdentifiers { get; init; } = [];
}
