using System.Text.RegularExpressions;
using Argus.Hosting.Errors;
using Google.Protobuf.WellKnownTypes;
using Shared = Argus.Agency.Shared;
using Proto = Argus.Common.V1;

namespace Argus.Agency.Shared;

/// <summary>Contract ↔ domain for the types every record shares (argus.common.v1).</summary>
internal static partial class CommonMapping
{
    public static Proto.AgencyCode ToProto(Shared.AgencyCode agency) => EnumMap<Shared.AgencyCode, Proto.AgencyCode>.Convert(agency);

    /// <summary>An agency code the caller sent; unspecified or unknown: null.</summary>
    public static Shared.AgencyCode? ToDomain(Proto.AgencyCode agency) =>
        agency == Proto.AgencyCode.Unspecified || !System.Enum.IsDefined(agency) ? null : EnumMap<Proto.AgencyCode, Shared.AgencyCode>.Convert(agency);

    public static Timestamp ToProto(DateTimeOffset time) => Timestamp.FromDateTimeOffset(time);

    public static Proto.Handling ToProto(Shared.Handling handling) => new()
    {
        Code = EnumMap<Shared.HandlingCode, Proto.HandlingCode>.Convert(handling.Code),
        Restrictions = handling.Restrictions ?? "",
    };

    /// <summary>A handling as another agency's service sent it; what it leaves out counts as H0.</summary>
    public static Shared.Handling ToDomainOrH0(Proto.Handling? handling) => new()
    {
        Code = handling is null || !EnumMap<Proto.HandlingCode, Shared.HandlingCode>.TryMap(handling.Code, out var code) ? Shared.HandlingCode.H0 : code,
        Restrictions = handling?.Restrictions is { Length: > 0 } restrictions ? restrictions : null,
    };

    public static Shared.Handling ToDomain(Proto.Handling? handling, string field, FieldErrors errors)
    {
        if (handling is null)
        {
            errors.Add(field, "is required: every record carries a handling code (H0–H3).");
            return new Shared.Handling();
        }

        var code = Input.Enum<Proto.HandlingCode, Shared.HandlingCode>(handling.Code, $"{field}.code", errors);
        var restrictions = Input.Text(handling.Restrictions, $"{field}.restrictions", errors, 1000, multiline: true);
        errors.Check(RecordRules.H3StatesItsRestrictions(code, restrictions), $"{field}.restrictions", "is required for H3: state the restrictions.");
        return new Shared.Handling { Code = code, Restrictions = restrictions.Length == 0 ? null : restrictions };
    }

    public static Proto.Location ToProto(Shared.Location location) => new()
    {
        StreetAddress = location.StreetAddress,
        PostalCode = location.PostalCode,
        Municipality = location.Municipality,
        Country = location.Country,
    };

    public static Shared.Location ToDomain(Proto.Location? location, string field, FieldErrors errors, bool requireStreet)
    {
        if (location is null)
        {
            errors.Add(field, "is required.");
            return new Shared.Location();
        }

        return new Shared.Location
        {
            StreetAddress = Input.Text(location.StreetAddress, $"{field}.street_address", errors, 200, required: requireStreet),
            PostalCode = Input.Text(location.PostalCode, $"{field}.postal_code", errors, 16),
            Municipality = Input.Text(location.Municipality, $"{field}.municipality", errors, 100, required: true),
            Country = Input.Country(location.Country, $"{field}.country", errors),
        };
    }

    public static Proto.Offence ToProto(Shared.Offence offence) => new() { Code = offence.Code, Description = offence.Description };

    public static List<Shared.Offence> ToDomain(IReadOnlyList<Proto.Offence> offences, string field, FieldErrors errors)
    {
        errors.Check(offences.Count > 0, field, "needs at least one offence.");
        errors.Check(offences.Count <= 50, field, "has more than 50 offences.");
        return offences.Select((offence, i) => new Shared.Offence(
            Input.Text(offence.Code, $"{field}[{i}].code", errors, 100, required: true),
            Input.Text(offence.Description, $"{field}[{i}].description", errors, 500, required: true))).ToList();
    }

    public static Proto.Person ToProto(Shared.Person person)
    {
        var proto = new Proto.Person
        {
            GivenNames = person.GivenNames,
            FamilyName = person.FamilyName,
            DateOfBirth = new Proto.CalendarDate { Year = person.DateOfBirth.Year, Month = person.DateOfBirth.Month, Day = person.DateOfBirth.Day },
            Category = EnumMap<Shared.DataSubjectCategory, Proto.DataSubjectCategory>.Convert(person.Category),
        };
        proto.Nationalities.AddRange(person.Nationalities);
        proto.Aliases.AddRange(person.Aliases);
        proto.CommunicationIdentifiers.AddRange(person.CommunicationIdentifiers.Select(c => new Proto.CommunicationIdentifier
        {
            Type = EnumMap<Shared.CommunicationType, Proto.CommunicationType>.Convert(c.Type),
            Value = c.Value,
        }));
        if (person.NationalIdentifierValue is not null)
        {
            proto.NationalIdentifier = new Proto.NationalIdentifier { Country = person.NationalIdentifierCountry ?? "", Value = person.NationalIdentifierValue };
        }

        return proto;
    }

    public static Shared.Person ToDomain(Proto.Person? person, string field, FieldErrors errors, DateTimeOffset now)
    {
        if (person is null)
        {
            errors.Add(field, "is required.");
            return new Shared.Person();
        }

        var dateOfBirth = Date(person.DateOfBirth, $"{field}.date_of_birth", errors, now);
        var (idCountry, idValue) = NationalIdentifier(person.NationalIdentifier, $"{field}.national_identifier", errors, dateOfBirth);
        errors.Check(person.Nationalities.Count <= 5, $"{field}.nationalities", "has more than 5 entries.");
        errors.Check(person.Aliases.Count <= 20, $"{field}.aliases", "has more than 20 entries.");
        errors.Check(person.CommunicationIdentifiers.Count <= 50, $"{field}.communication_identifiers", "has more than 50 entries.");

        return new Shared.Person
        {
            GivenNames = Input.Text(person.GivenNames, $"{field}.given_names", errors, 200),
            FamilyName = Input.Text(person.FamilyName, $"{field}.family_name", errors, 200, required: true),
            DateOfBirth = dateOfBirth ?? default,
            Nationalities = person.Nationalities.Select((n, i) => Input.Country(n, $"{field}.nationalities[{i}]", errors)).Distinct().ToList(),
            NationalIdentifierCountry = idCountry,
            NationalIdentifierValue = idValue,
            Category = Input.Enum<Proto.DataSubjectCategory, Shared.DataSubjectCategory>(person.Category, $"{field}.category", errors),
            Aliases = person.Aliases.Select((a, i) => Input.Text(a, $"{field}.aliases[{i}]", errors, 200, required: true)).ToList(),
            CommunicationIdentifiers = person.CommunicationIdentifiers
                .Select((c, i) => CommunicationIdentifier(c, $"{field}.communication_identifiers[{i}]", errors))
                .ToList(),
        };
    }

    public static DateOnly? Date(Proto.CalendarDate? date, string field, FieldErrors errors, DateTimeOffset now)
    {
        if (date is null)
        {
            errors.Add(field, "is required.");
            return null;
        }

        if (date.Year < 1900 || date.Month is < 1 or > 12 || date.Day < 1 || date.Year > now.Year || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            errors.Add(field, $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2} is not a valid date of birth.");
            return null;
        }

        var value = new DateOnly(date.Year, date.Month, date.Day);
        return errors.Check(value <= DateOnly.FromDateTime(now.UtcDateTime), field, "is in the future.") ? value : null;
    }

    public static (string? Country, string? Value) NationalIdentifier(Proto.NationalIdentifier? identifier, string field, FieldErrors errors, DateOnly? dateOfBirth)
    {
        if (identifier is null || (identifier.Value.Length == 0 && identifier.Country.Length == 0))
        {
            return (null, null);
        }

        var country = Input.Country(identifier.Country, $"{field}.country", errors);
        var value = identifier.Value.Trim();
        switch (country)
        {
            case "NL":
                errors.Check(Burgerservicenummer.IsValid(value), $"{field}.value", "is not a valid burgerservicenummer (BSN): it must be 9 digits passing the 11-test.");
                return (country, value);
            case "BE":
                var digits = Rijksregisternummer.Normalise(value);
                if (digits is null || !Rijksregisternummer.IsValid(digits, out var bornFrom2000))
                {
                    errors.Add($"{field}.value", "is not a valid rijksregisternummer: it must be 11 digits (YY.MM.DD-SSS.CC) with correct mod-97 check digits.");
                    return (country, value);
                }

                var encoded = Rijksregisternummer.BirthDate(digits, bornFrom2000);
                errors.Check(encoded is null || dateOfBirth is null || encoded == dateOfBirth, $"{field}.value",
                    $"encodes birth date {encoded:yyyy-MM-dd}, which differs from date_of_birth.");
                return (country, digits);
            default:
                // Other states' numbers are recorded as given; we know no rule to check them by.
                errors.Check(OtherIdentifier().IsMatch(value), $"{field}.value", "must be 1 to 32 letters, digits, dots, dashes or slashes.");
                return (country, value);
        }
    }

    public static Shared.CommunicationIdentifier CommunicationIdentifier(Proto.CommunicationIdentifier identifier, string field, FieldErrors errors)
    {
        var type = Input.Enum<Proto.CommunicationType, Shared.CommunicationType>(identifier.Type, $"{field}.type", errors);
        var value = Input.Text(identifier.Value, $"{field}.value", errors, 100, required: true);
        if (type == Shared.CommunicationType.PhoneNumber && value.Length > 0)
        {
            errors.Check(PhoneNumber().IsMatch(value), $"{field}.value", "must be an international number such as +31612345678 (E.164).");
        }

        return new Shared.CommunicationIdentifier(type, value);
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex PhoneNumber();

    [GeneratedRegex(@"^[A-Za-z0-9./-]{1,32}$")]
    private static partial Regex OtherIdentifier();
}
