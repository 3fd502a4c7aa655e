using Argus.Agency.Shared;

namespace Argus.UnitTests.Intercepts;

public sealed class HandlesTests
{
    [Theory]
    [InlineData("t4p7xy0", "t4p7xy0")]
    [InlineData("T4P7XY0", "t4p7xy0")]
    [InlineData("  lrazch4231 ", "lrazch4231")]
    [InlineData("+31612345678", "+31612345678")]
    [InlineData("ÉMILE@sky", "émile@sky")]
    [InlineData("\U00010400x", "\U00010428x")] // an upper-case letter outside the BMP (Deseret), as string.ToLowerInvariant maps it
    public void A_handle_compares_trimmed_and_lower_case(string given, string compared) =>
        Assert.Equal(compared, Handles.Normalize(given));

    [Fact]
    public void A_handle_already_in_compared_form_comes_back_as_the_same_string()
    {
        var handle = new string("lrazch4231".AsSpan()); // not the interned literal
        Assert.Same(handle, Handles.Normalize(handle));
        Assert.NotSame(handle, Handles.Normalize(handle + " "));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ab\u0000cd")]
    [InlineData("ab\ncd")]
    public void An_empty_handle_or_one_with_control_characters_has_no_compared_form(string? given) =>
        Assert.Null(Handles.Normalize(given));

    [Fact]
    public void A_handle_longer_than_the_limit_has_no_compared_form()
    {
        Assert.NotNull(Handles.Normalize(new string('a', Handles.MaxLength)));
        Assert.Null(Handles.Normalize(new string('a', Handles.MaxLength + 1)));
    }
}
