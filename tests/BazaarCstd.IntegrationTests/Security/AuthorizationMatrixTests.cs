extern alias api;

using System.Net.Http.Json;
using System.Text.RegularExpressions;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Accounts;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BazaarCstd.IntegrationTests.Security;

/// <summary>
/// Every endpoint the API maps must be in <see cref="Matrix"/> with the least role allowed to call it,
/// or on the anonymous list: a new endpoint cannot slip through unreviewed. Then each row is called
/// on the running app as nobody, as STAFF, as STORE_MANAGER and as ADMIN.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class AuthorizationMatrixTests(BazaarAppFixture fixture)
{
    public enum Access
    {
        Anonymous,
        SignedIn,
        Staff,
        Manager,
        Admin,
    }

    private const string Password = "matrix passphrase 2026";

    /// <summary>(method, route pattern) → least access. Store-bound rows are checked for 404 separately.</summary>
    public static readonly IReadOnlyDictionary<string, Access> Matrix = new Dictionary<string, Access>
    {
        ["POST /api/auth/register"] = Access.Anonymous,
        ["POST /api/auth/login"] = Access.Anonymous,
        ["POST /api/auth/refresh"] = Access.Anonymous,
        ["POST /api/auth/logout"] = Access.SignedIn,
        ["POST /api/auth/logout-all"] = Access.SignedIn,
        ["PUT /api/auth/password"] = Access.SignedIn,
        ["GET /api/auth/profile"] = Access.SignedIn,
        ["GET /api/system/info"] = Access.Admin,
        ["GET /api/products/"] = Access.Staff,
        ["GET /api/products/{id:guid}"] = Access.Staff,
        ["POST /api/products/"] = Access.Admin,
        ["PUT /api/products/{id:guid}"] = Access.Admin,
        ["DELETE /api/products/{id:guid}"] = Access.Admin,
        ["GET /api/stores/"] = Access.Staff,
        ["GET /api/stores/{id:guid}"] = Access.Staff,
        ["POST /api/stores/"] = Access.Admin,
        ["PUT /api/stores/{id:guid}"] = Access.Admin,
        ["GET /api/stores/{id:guid}/inventory"] = Access.Staff,
        ["POST /api/stock/add"] = Access.Staff,
        ["POST /api/stock/sale"] = Access.Staff,
        ["POST /api/stock/remove"] = Access.Staff,
        ["POST /api/stock/batch"] = Access.Staff,
        ["POST /api/stock/transfer"] = Access.Manager,
        ["POST /api/stock/count"] = Access.Manager,
        ["GET /api/stock/current"] = Access.Staff,
        ["GET /api/stock/movements"] = Access.Staff,
        ["GET /api/stock/movements/{id:long}"] = Access.Staff,
        ["GET /api/stock/movements.csv"] = Access.Staff,
        ["GET /api/stock/current.csv"] = Access.Staff,
        ["GET /api/users/"] = Access.Admin,
        ["GET /api/users/{id:guid}"] = Access.Admin,
        ["PUT /api/users/{id:guid}/roles"] = Access.Admin,
        ["PUT /api/users/{id:guid}/stores"] = Access.Admin,
        ["PUT /api/users/{id:guid}/active"] = Access.Admin,
        ["PUT /api/users/{id:guid}/password"] = Access.Admin,
        ["POST /api/users/{id:guid}/sessions/revoke"] = Access.Admin,
        ["GET /api/audit-logs"] = Access.Admin,
        ["GET /api/reports/stock"] = Access.Staff,
        ["GET /api/reports/categories"] = Access.Staff,
        ["GET /api/reports/sales"] = Access.Staff,
        ["GET /api/stores/{storeId:guid}/thresholds/"] = Access.Staff,
        ["GET /api/stores/{storeId:guid}/thresholds/{productId:guid}"] = Access.Staff,
        ["PUT /api/stores/{storeId:guid}/thresholds/{productId:guid}"] = Access.Manager,
        ["GET /api/inventory/alerts/"] = Access.Staff,
        ["POST /api/inventory/alerts/{id:long}/acknowledge"] = Access.Staff,
        ["GET /api/inventory/events"] = Access.Staff,
        ["GET /api/admin/dead-letters/"] = Access.Admin,
        ["POST /api/admin/dead-letters/replay"] = Access.Admin,
        ["GET /api/settings/stock-frozen-until"] = Access.Staff,
        ["PUT /api/settings/stock-frozen-until"] = Access.Admin,
        ["POST /api/imports"] = Access.Staff,
        ["GET /api/operations/"] = Access.Staff,
        ["GET /api/operations/{id:guid}"] = Access.Staff,
        ["GET /api/operations/{id:guid}/errors"] = Access.Staff,
        ["GET /health"] = Access.Anonymous,
        ["GET /alive"] = Access.Anonymous,
        ["GET /openapi/{documentName}.json"] = Access.Anonymous,
        ["GET /scalar/{documentName?}"] = Access.Anonymous,
    };

    [Fact]
    public async Task Every_endpoint_the_api_maps_is_in_the_matrix()
    {
        var mapped = await MappedEndpointsAsync();

        // Scalar's own static files (scalar.js, favicon…) come with its anonymous UI route.
        var unreviewed = mapped.Except(Matrix.Keys).Where(e => !e.StartsWith("GET /scalar/", StringComparison.Ordinal)).ToList();
        Assert.True(unreviewed.Count == 0, $"Endpoints missing from the authorization matrix: {string.Join(", ", unreviewed)}");
        var gone = Matrix.Keys.Except(mapped).ToList();
        Assert.True(gone.Count == 0, $"Matrix rows the API no longer maps: {string.Join(", ", gone)}");
    }

    [Fact]
    public async Task Each_role_gets_exactly_what_the_matrix_allows()
    {
        var store = await fixture.CreateApiClient().PostAsJsonAsync("/api/stores", new Contracts.Stores.StoreRequest($"M-{Guid.NewGuid():N}"[..20], "Matrix"));
        var storeId = (await store.Content.ReadFromJsonAsync<Contracts.Stores.Store>())!.Id;
        var callers = new Dictionary<Access, HttpClient?>
        {
            [Access.Anonymous] = null,
            [Access.Staff] = await UserAsync("STAFF", storeId),
            [Access.Manager] = await UserAsync("STORE_MANAGER", storeId),
            [Access.Admin] = fixture.CreateApiClient(),
        };

        var failures = new List<string>();
        foreach (var (endpoint, least) in Matrix.Where(e => e.Value != Access.Anonymous && e.Key is not ("POST /api/auth/logout" or "POST /api/auth/logout-all")))
        {
            foreach (var (caller, http) in callers)
            {
                using var response = await SendAsync(http ?? fixture.Accounts.Anonymous(), endpoint);
                var expected = caller == Access.Anonymous ? HttpStatusCode.Unauthorized
                    : Allows(caller, least) ? (HttpStatusCode?)null
                    : HttpStatusCode.Forbidden;
                var ok = expected is null
                    ? response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.InternalServerError)
                    : response.StatusCode == expected;
                if (!ok)
                {
                    failures.Add($"{endpoint} as {caller}: {(int)response.StatusCode}, expected {(expected is null ? "allowed" : ((int)expected).ToString())}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Staff_and_managers_on_a_store_not_theirs_get_404_and_write_nothing()
    {
        var admin = fixture.CreateApiClient();
        var api = new InventoryApi(fixture);
        var mine = await api.NewStoreAsync();
        var other = await api.NewStoreAsync();
        var product = await api.NewProductAsync();
        await api.AddStockAsync(mine.Id, product.Id, 10);
        await api.AddStockAsync(other.Id, product.Id, 10);
        var before = (await api.MovementsAsync(other.Id)).Count;

        foreach (var role in new[] { "STAFF", "STORE_MANAGER" })
        {
            using var http = await UserAsync(role, mine.Id);
            var sale = new MovementRequest(other.Id, product.Id, null, 1);
            foreach (var (path, body) in new (string, object)[]
            {
                ("/api/stock/sale", sale),
                ("/api/stock/add", sale),
                ("/api/stock/remove", sale with { Reason = "damaged" }),
                ("/api/stock/batch", new BatchRequest([new BatchLine("sale", other.Id, product.Id, null, 1)])),
            })
            {
                using var response = await http.PostAsJsonAsync(path, body);
                await InventoryApi.AssertProblem(response, HttpStatusCode.NotFound, $"{role} {path}");
            }

            foreach (var path in new[]
            {
                $"/api/stores/{other.Id}", $"/api/stores/{other.Id}/inventory", $"/api/stores/{other.Id}/thresholds",
                $"/api/stores/{other.Id}/thresholds/{product.Id}", $"/api/inventory/alerts?storeId={other.Id}", $"/api/inventory/events?storeId={other.Id}",
            })
            {
                using var response = await http.GetAsync(path);
                await InventoryApi.AssertProblem(response, HttpStatusCode.NotFound, $"{role} {path}");
            }

            var visible = await http.GetFromJsonAsync<Page<StockRow>>($"/api/stock/current?productId={product.Id}");
            Assert.All(visible!.Items, r => Assert.Equal(mine.Id, r.StoreId));
            var movements = await http.GetFromJsonAsync<Page<Movement>>($"/api/stock/movements?storeId={other.Id}");
            Assert.Empty(movements!.Items);
            var report = await http.GetFromJsonAsync<Page<StockRow>>($"/api/reports/stock?storeId={other.Id}");
            Assert.Empty(report!.Items);
            using var sales = await http.GetAsync($"/api/reports/sales?storeId={other.Id}");
            await InventoryApi.AssertProblem(sales, HttpStatusCode.NotFound, $"{role} sales of another store");
            var searched = await http.GetFromJsonAsync<Page<Contracts.Stores.Store>>($"/api/stores?q={Uri.EscapeDataString(other.Code)}");
            Assert.Empty(searched!.Items);
        }

        using var manager = await UserAsync("STORE_MANAGER", mine.Id);
        using var transfer = await manager.PostAsJsonAsync("/api/stock/transfer",
            new TransferRequest(mine.Id, other.Id, [new TransferLine(product.Id, null, 1)]));
        await InventoryApi.AssertProblem(transfer, HttpStatusCode.NotFound);
        using var count = await manager.PostAsJsonAsync("/api/stock/count", new CountRequest(other.Id, product.Id, null, 0));
        await InventoryApi.AssertProblem(count, HttpStatusCode.NotFound);
        using var threshold = await manager.PutAsJsonAsync($"/api/stores/{other.Id}/thresholds/{product.Id}", new Contracts.Alerts.StockThresholdRequest(1));
        await InventoryApi.AssertProblem(threshold, HttpStatusCode.NotFound);

        Assert.Equal(before, (await api.MovementsAsync(other.Id)).Count);
        Assert.Equal(10m, await api.OnHandAsync(other.Id, product.Id));
        Assert.Equal(10m, await api.OnHandAsync(mine.Id, product.Id));
        admin.Dispose();
    }

    private static bool Allows(Access caller, Access least) => least switch
    {
        Access.SignedIn or Access.Staff => true,
        Access.Manager => caller is Access.Manager or Access.Admin,
        _ => caller == Access.Admin,
    };

    /// <summary>Calls one matrix row with placeholder ids and an empty JSON body: enough to get past authorization.</summary>
    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string endpoint)
    {
        var (method, pattern) = (endpoint[..endpoint.IndexOf(' ')], endpoint[(endpoint.IndexOf(' ') + 1)..]);
        var path = Regex.Replace(Regex.Replace(pattern, "{[A-Za-z]+:guid}", _ => Guid.NewGuid().ToString()), "{[A-Za-z]+:long}", "1");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { });
        }

        return http.SendAsync(request);
    }

    private async Task<HttpClient> UserAsync(string role, Guid store)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.com";
        using var anonymous = fixture.Accounts.Anonymous();
        using var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, Password, role));
        using var admin = fixture.CreateApiClient();
        var id = await admin.UserIdAsync(email);
        using var roles = await admin.PutAsJsonAsync($"/api/users/{id}/roles", new UserRolesRequest([role]));
        Assert.Equal(HttpStatusCode.OK, roles.StatusCode);
        using var stores = await admin.PutAsJsonAsync($"/api/users/{id}/stores", new UserStoresRequest([store]));
        Assert.Equal(HttpStatusCode.OK, stores.StatusCode);
        return fixture.Accounts.As(email, Password);
    }

    /// <summary>The API's own endpoint list: the real Program, booted in-process against the running app's services.</summary>
    private async Task<HashSet<string>> MappedEndpointsAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = (await File.ReadAllTextAsync(Path.Combine(fixture.Runner.DataRoot, "secrets", "jwt-signing-key"))).Trim(),
        };
        foreach (var name in new[] { ResourceNames.BazaarDbApp, ResourceNames.BazaarDbReadOnly, ResourceNames.Cache, ResourceNames.Messaging })
        {
            settings[$"ConnectionStrings:{name}"] = await fixture.App.GetConnectionStringAsync(name);
        }

        await using var factory = new WebApplicationFactory<api::Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
        return [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {e.RoutePattern.RawText}"))];
    }
}
