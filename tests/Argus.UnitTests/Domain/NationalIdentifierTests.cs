using Argus.Agency.Shared;

namespace Argus.UnitTests.Domain;

public sealed class NationalIdentifierTests
{
    [Theory]
    [InlineData("111222333")]
    [InlineData("123456782")]
    [InlineData("999999990")]
    public void A_bsn_passing_the_11_test_is_valid(string bsn) => Assert.True(Burgerservicenummer.IsValid(bsn));

    [Theory]
    [InlineData("123456789")] // fails the 11-test
    [InlineData("000000000")] // passes arithmetically, but is no number
    [InlineData("11122233")] // eight digits
    [InlineData("1112223334")] // ten digits
    [InlineData("11122233a")]
    [InlineData("")]
    public void Anything_else_is_not_a_bsn(string bsn) => Assert.False(Burgerservicenummer.IsValid(bsn));

    [Fact]
    public void A_rijksregisternummer_of_someone_born_before_2000_checks_against_the_nine_digits()
    {
        var digits = Rijksregisternummer.Normalise("93.01.01-001.86");

        Assert.Equal("93010100186", digits);
        Assert.True(Rijksregisternummer.IsValid(digits!, out var bornFrom2000));
        Assert.False(bornFrom2000);
        Assert.Equal(new DateOnly(1993, 1, 1), Rijksregisternummer.BirthDate(digits!, bornFrom2000));
    }

    [Fact]
    public void A_rijksregisternummer_of_someone_born_from_2000_checks_with_a_2_in_front()
    {
        // 97 − (2020304456 mod 97) = 01; without the prefix the check digits would be 69.
        Assert.True(Rijksregisternummer.IsValid("02030445601", out var bornFrom2000));
        Assert.True(bornFrom2000);
        Assert.Equal(new DateOnly(2002, 3, 4), Rijksregisternummer.BirthDate("02030445601", bornFrom2000));

        Assert.True(Rijksregisternummer.IsValid("02030445669", out var bornIn1900s));
        Assert.False(bornIn1900s);
        Assert.Equal(new DateOnly(1902, 3, 4), Rijksregisternummer.BirthDate("02030445669", bornIn1900s));
    }

    [Theory]
    [InlineData("93010100187")]
    [InlineData("02030445602")]
    public void Wrong_check_digits_are_refused(string digits) => Assert.False(Rijksregisternummer.IsValid(digits, out _));

    [Theory]
    [InlineData("9301010018")]
    [InlineData("93.01.01-001.8X")]
    [InlineData("")]
    public void Malformed_numbers_do_not_normalise(string value) => Assert.Null(Rijksregisternummer.Normalise(value));

    [Fact]
    public void A_bis_number_encodes_no_birth_date()
    {
        // Month + 40: a bis number for someone not in the register whose birth date is known.
        Assert.Null(Rijksregisternummer.BirthDate("93410100100", bornFrom2000: false));
    }
}
