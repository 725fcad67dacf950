using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;

namespace BazaarCstd.IntegrationTests.Catalog;

/// <summary><c>GET /api/stores?q=</c>, which the dashboard's store switcher calls as the user types (a chain has ~1,000 stores).</summary>
[Collection(BazaarAppCollection.Name)]
public sealed class StoreSearchTests(BazaarAppFixture fixture)
{
    [Fact]
    public async Task Q_finds_stores_by_code_prefix_or_name_in_any_case_and_pages_by_code()
    {
        var tag = $"Q{Guid.NewGuid():N}"[..10];
        using var admin = fixture.CreateApiClient();
        foreach (var (code, name) in new[] { ($"{tag}-B", "Harbour road"), ($"{tag}-A", "Market square"), ($"{tag}-C", "Harbour view") })
        {
            using var created = await admin.PostAsJsonAsync("/api/stores", new StoreRequest(code, $"{name} {tag}"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var first = (await admin.GetFromJsonAsync<Page<Store>>($"/api/stores?q={tag.ToLowerInvariant()}&limit=2"))!;
        Assert.Equal([$"{tag}-A", $"{tag}-B"], first.Items.Select(s => s.Code));
        var second = (await admin.GetFromJsonAsync<Page<Store>>($"/api/stores?q={tag}&limit=2&cursor={first.NextCursor}"))!;
        Assert.Equal([$"{tag}-C"], second.Items.Select(s => s.Code));
        Assert.Null(second.NextCursor);

        var byName = (await admin.GetFromJsonAsync<Page<Store>>($"/api/stores?q={Uri.EscapeDataString($"HARBOUR VIEW {tag}")}"))!;
        Assert.Equal([$"{tag}-C"], byName.Items.Select(s => s.Code));

        using var tooLong = await admin.GetAsync($"/api/stores?q={new string('x', 101)}");
        var problem = await InventoryApi.AssertProblem(tooLong, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("q", out _));
    }
}
