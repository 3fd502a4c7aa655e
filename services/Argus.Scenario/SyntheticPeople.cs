using Argus.Common.V1;

namespace Argus.Scenario;

/// <summary>
/// Made-up people for the scenario: plausible names and valid identifiers (a BSN passing the
/// 11-test, a rijksregisternummer with correct check digits), the same on every run so that a
/// re-run is recognised as a retry.
/// </summary>
internal static class SyntheticPeople
{
    private static readonly string[] DutchFamilyNames = ["de Vries", "Jansen", "Bakker", "El Amrani", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bouzaid", "Kramer", "van Dijk"];
    private static readonly string[] DutchGivenNames = ["Jeroen", "Mohamed", "Kevin", "Dennis", "Rachid", "Sander", "Naima", "Mark", "Youssef", "Ricardo"];
    private static readonly string[] BelgianFamilyNames = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "Aksoy", "De Smet", "Vermeulen"];
    private static readonly string[] BelgianGivenNames = ["Jens", "Karim", "Bram", "Kenny", "Ilias", "Dries", "Sofie", "Wout", "Anas", "Glenn"];

    public static Person Dutch(int index) => Create(index, "NL", DutchGivenNames, DutchFamilyNames, Bsn);

    public static Person Belgian(int index) => Create(index, "BE", BelgianGivenNames, BelgianFamilyNames, Rrn);

    private static Person Create(int index, string country, string[] given, string[] family, Func<Random, CalendarDate, string> identifier)
    {
        var random = new Random((country == "NL" ? 1_000_000 : 2_000_000) + index);
        var born = new CalendarDate { Year = 1968 + random.Next(0, 36), Month = random.Next(1, 13), Day = random.Next(1, 29) };
        var person = new Person
        {
            GivenNames = given[random.Next(given.Length)],
            FamilyName = family[random.Next(family.Length)],
            DateOfBirth = born,
            NationalIdentifier = new NationalIdentifier { Country = country, Value = identifier(random, born) },
            Category = DataSubjectCategory.Suspect,
            Nationalities = { country },
        };
        // Most of those arrested used a Sky ECC device; their handle links them to the messages.
        if (index % 3 != 2)
        {
            person.CommunicationIdentifiers.Add(new CommunicationIdentifier { Type = CommunicationType.SkyEcc, Value = SkyEccHandle(country, index) });
        }

        return person;
    }

    public static string SkyEccHandle(string country, int index) => $"SKY-{country}{index * 7331 % 100000:D5}";

    /// <summary>Eight random digits and the ninth that makes the 11-test pass.</summary>
    private static string Bsn(Random random, CalendarDate born)
    {
        while (true)
        {
            var digits = Enumerable.Range(0, 8).Select(i => random.Next(i == 0 ? 1 : 0, 10)).ToArray();
            var sum = digits.Select((d, i) => d * (9 - i)).Sum();
            var last = sum % 11;
            if (last < 10)
            {
                return string.Concat(digits) + last;
            }
        }
    }

    /// <summary>YYMMDD, a serial number, and the mod-97 check digits (with the "2" prefix from 2000).</summary>
    private static string Rrn(Random random, CalendarDate born)
    {
        var body = $"{born.Year % 100:D2}{born.Month:D2}{born.Day:D2}{random.Next(1, 998):D3}";
        var number = long.Parse(body) + (born.Year >= 2000 ? 2_000_000_000L : 0);
        return $"{body}{97 - number % 97:D2}";
    }
}
