namespace Argus.Agency.Shared;

/// <summary>
/// The Belgian national register number (rijksregisternummer / numéro de registre national):
/// YYMMDD, a 3-digit serial and 2 check digits, written "YY.MM.DD-SSS.CC" or as 11 digits.
/// The check digits are 97 − (first nine digits mod 97); for people born from 2000 on, the nine
/// digits are prefixed with "2" before taking the remainder, which is also how the century is known.
/// </summary>
public static class Rijksregisternummer
{
    /// <summary>The digits of a well-formed number, or null.</summary>
    public static string? Normalise(string value)
    {
        var digits = new string(value.Where(c => c is not ('.' or '-' or ' ')).ToArray());
        return digits.Length == 11 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>Whether the check digits are right, and if so in which century the holder was born.</summary>
    public static bool IsValid(string digits, out bool bornFrom2000)
    {
        bornFrom2000 = false;
        if (digits.Length != 11 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        var body = long.Parse(digits.AsSpan(0, 9));
        var check = int.Parse(digits.AsSpan(9, 2));
        if (97 - (body % 97) == check)
        {
            return true;
        }

        bornFrom2000 = 97 - ((2_000_000_000L + body) % 97) == check;
        return bornFrom2000;
    }

    /// <summary>
    /// The birth date the number encodes, when it encodes one: bis numbers (month + 20 or + 40)
    /// and numbers of people whose birth date is unknown (month or day 00) do not.
    /// </summary>
    public static DateOnly? BirthDate(string digits, bool bornFrom2000)
    {
        var year = (bornFrom2000 ? 2000 : 1900) + int.Parse(digits.AsSpan(0, 2));
        var month = int.Parse(digits.AsSpan(2, 2));
        var day = int.Parse(digits.AsSpan(4, 2));
        return month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? new DateOnly(year, month, day)
            : null;
    }
}
