using Argus.Agency.Records;
using Argus.Hosting.Errors;

namespace Argus.UnitTests.Api;

public sealed class PagingAndNamesTests
{
    [Fact]
    public void A_page_token_continues_only_the_query_it_came_from()
    {
        var token = PageRequest.NextToken(41, "operations/argus");

        Assert.Equal(41, PageRequest.From(10, token, "operations/argus").After);
        var refused = Assert.Throws<InvalidInputException>(() => PageRequest.From(10, token, "operations/other"));
        Assert.Equal("page_token", refused.Violations.Single().Field);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    public void Absurd_page_sizes_are_refused(int size)
    {
        var refused = Assert.Throws<InvalidInputException>(() => PageRequest.From(size, "", "q"));
        Assert.Equal("page_size", refused.Violations.Single().Field);
    }

    [Fact]
    public void Page_size_zero_means_the_default() => Assert.Equal(PageRequest.DefaultSize, PageRequest.From(0, "", "q").Size);

    [Theory]
    [InlineData("not base64 !")]
    [InlineData("MTA")] // "10" without a query
    public void Forged_tokens_are_refused(string token) =>
        Assert.Throws<InvalidInputException>(() => PageRequest.From(10, token, "q"));

    [Fact]
    public void Names_are_parsed_into_their_ids()
    {
        Assert.Equal("argus", ResourceNames.Operation("operations/argus", "name"));
        Assert.Equal(("argus", "0190f1c2-aaaa-7bbb-8ccc-123456789abc"),
            ResourceNames.Child("operations/argus/arrests/0190f1c2-aaaa-7bbb-8ccc-123456789abc", "arrests", "name"));
        Assert.Equal(ResourceNames.AnyOperation, ResourceNames.Parent("operations/-", "parent", allowAny: true));
    }

    [Theory]
    [InlineData("operations/Argus")]
    [InlineData("operations/argus/arrests/x")]
    [InlineData("argus")]
    [InlineData("operations/-")]
    [InlineData("")]
    public void Malformed_operation_names_are_refused_naming_the_field(string name)
    {
        var refused = Assert.Throws<InvalidInputException>(() => ResourceNames.Operation(name, "name"));
        Assert.Equal("name", refused.Violations.Single().Field);
    }

    [Fact]
    public void A_child_name_must_be_of_its_collection() =>
        Assert.Throws<InvalidInputException>(() => ResourceNames.Child("operations/argus/houseSearches/abc", "arrests", "name"));
}
