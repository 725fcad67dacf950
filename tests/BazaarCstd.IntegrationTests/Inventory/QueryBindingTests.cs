using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// A query value of the wrong type is a 400 problem that names the parameter and what it must be,
/// in the client's terms (no CLR type names), with an <c>errors</c> entry like other validation.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class QueryBindingTests(BazaarAppFixture fixture)
{
    [Theory]
    [InlineData("/api/audit-logs?from=yesterday", "from", "ISO 8601")]
    [InlineData("/api/stock/current?storeId=store-7", "storeId", "UUID")]
    [InlineData("/api/stock/movements?limit=lots", "limit", "whole number")]
    [InlineData("/api/stock/current?asOf=2026-13-45", "asOf", "ISO 8601")]
    public async Task A_mistyped_query_value_is_400_naming_the_parameter(string url, string parameter, string expected)
    {
        using var http = fixture.CreateApiClient();
        using var response = await http.GetAsync(url);

        var problem = await InventoryApi.AssertProblem(response, HttpStatusCode.BadRequest, url);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.StartsWith($"'{parameter}' must be", detail, StringComparison.Ordinal);
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Nullable", detail, StringComparison.Ordinal);
        var errors = problem.GetProperty("errors").GetProperty(parameter);
        Assert.Contains(expected, errors[0].GetString(), StringComparison.Ordinal);
    }
}
