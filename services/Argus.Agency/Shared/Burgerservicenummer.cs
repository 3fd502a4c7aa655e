namespace Argus.Agency.Shared;

/// <summary>
/// The Dutch citizen service number (BSN): nine digits passing the "11-test" — the digits weighted
/// 9, 8, …, 2 and the last one −1 sum to a multiple of 11.
/// </summary>
public static class Burgerservicenummer
{
    public static bool IsValid(string value)
    {
        if (value.Length != 9 || !value.All(char.IsAsciiDigit) || value == "000000000")
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (value[i] - '0') * (9 - i);
        }

        sum -= value[8] - '0';
        return sum % 11 == 0;
    }
}
