using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BazaarCstd.Contracts.Alerts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Settings;
using BazaarCstd.Contracts.Operations;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.IntegrationTests.Infrastructure;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Security;

/// <summary>
/// The OpenAPI document is a contract a generated client can trust: Redocly's recommended ruleset
/// finds no error in it, and the bodies the API takes and gives match its schemas, checked on real
/// traffic (every client of the shared app goes through <see cref="OpenApiTraffic"/>, so the other
/// tests' traffic counts too) after driving every operation here.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class OpenApiContractTests(BazaarAppFixture fixture)
{
    /// <summary>Pinned: a new Redocly release may add rules, and that should be a change we make.</summary>
    public const string RedoclyCli = "@redocly/cli@2.77.0";

    [Fact]
    public async Task Redocly_recommended_rules_find_no_error_in_the_live_document()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bazaar-openapi-{Guid.NewGuid():N}.json");
        using (var http = fixture.Accounts.Anonymous())
        {
            await File.WriteAllTextAsync(file, await http.GetStringAsync(OpenApiTraffic.DocumentPath));
        }

        try
        {
            var (exit, output) = await ExternalCommand.RunAsync("npx", ["--yes", RedoclyCli, "lint", "--extends=recommended", "--format=stylish", file],
                TimeSpan.FromMinutes(5),
                "The OpenAPI lint needs Node.js with npx: install it (Debian: apt-get install -y npm; scripts/bootstrap.sh does this) and run the tests again.",
                // No telemetry or update check from the linter.
                new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_UPDATE_NOTIFIER"] = "1" });
            Assert.True(exit == 0, $"Redocly lint ({RedoclyCli}, recommended) failed with exit code {exit}:\n{output}");
            Assert.Contains("Your API description is valid", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_bodies_of_every_operation_match_the_document()
    {
        await DriveEveryOperationAsync();

        var missed = (await fixture.Traffic.OperationsAsync()).Except(fixture.Traffic.Exercised).ToList();
        Assert.True(missed.Count == 0, $"Operations no test drove: {string.Join(", ", missed)}");
        var violations = fixture.Traffic.Violations;
        Assert.True(violations.Count == 0, $"{violations.Count} answers or accepted requests do not match the document:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public async Task The_check_catches_a_body_that_breaks_the_document()
    {
        // A separate recorder, so these made-up exchanges do not count against the real traffic.
        var traffic = new OpenApiTraffic(() => fixture.App);
        const string Movement = """{"id":1,"storeId":"0199a3c6-0000-7000-8000-000000000001","productId":"0199a3c6-0000-7000-8000-000000000002","sku":"A","kind":"sale","quantity":1,"delta":-1,"reason":null,"reference":null,"note":null,"occurredAt":"2026-01-01T00:00:00Z","recordedAt":"2026-01-01T00:00:00Z","deviceId":null,"batchId":"0199a3c6-0000-7000-8000-000000000003"}""";
        const string Level = """{"storeId":"0199a3c6-0000-7000-8000-000000000001","productId":"0199a3c6-0000-7000-8000-000000000002","onHand":1,"version":1}""";
        var good = $$"""{"movement":{{Movement}},"level":{{Level}}}""";
        const string BySku = """{"storeId":"0199a3c6-0000-7000-8000-000000000001","sku":"A","quantity":1}""";
        await traffic.CheckAsync("POST", "/api/stock/sale", BySku, 201, "application/json", good);
        Assert.Empty(traffic.Violations);

        await traffic.CheckAsync("POST", "/api/stock/sale", BySku, 201, "application/json", good.Replace("\"onHand\":1,", "", StringComparison.Ordinal));
        await traffic.CheckAsync("POST", "/api/stock/sale", BySku, 201, "application/json", good.Replace("\"kind\":\"sale\"", "\"kind\":\"sale\",\"extra\":true", StringComparison.Ordinal));
        await traffic.CheckAsync("POST", "/api/stock/sale", """{"storeId":"0199a3c6-0000-7000-8000-000000000001","quantity":"lots"}""", 201, "application/json", good);
        await traffic.CheckAsync("POST", "/api/stock/sale", null, 418, "application/problem+json", """{"status":418}""");
        await traffic.CheckAsync("POST", "/api/stock/sale", null, 409, "text/plain", "nope");
        var violations = traffic.Violations;
        Assert.True(violations.Count == 5, string.Join("\n", violations));
        Assert.Contains("onHand", violations[0], StringComparison.Ordinal);
        Assert.Contains("extra", violations[1], StringComparison.Ordinal);
        Assert.Contains("accepted request", violations[2], StringComparison.Ordinal);
        Assert.Contains("418 is not documented", violations[3], StringComparison.Ordinal);
        Assert.Contains("text/plain", violations[4], StringComparison.Ordinal);
    }

    /// <summary>Representative requests for every operation, successes and the usual problems.</summary>
    private async Task DriveEveryOperationAsync()
    {
        using var admin = fixture.Accounts.Admin();
        using var anonymous = fixture.Accounts.Anonymous();

        // Auth: register, sign in, refresh, profile, change the password, sign out.
        var email = $"contract-{Guid.NewGuid():N}@example.com";
        const string Password = "contract passphrase 2026";
        await ReadAsync<RegistrationAccepted>(await anonymous.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, Password, "Contract")), HttpStatusCode.Accepted);
        await ReadAsync<RegistrationAccepted>(await anonymous.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, Password, "Contract")), HttpStatusCode.Accepted);
        await Expect(anonymous.PostAsJsonAsync("/api/auth/register", new { email }), HttpStatusCode.BadRequest);
        var registered = (await admin.GetFromJsonAsync<Contracts.Page<UserProfile>>($"/api/users?email={email}"))!.Items.Single();
        var tokens = await ReadAsync<TokenResponse>(await anonymous.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, Password)), HttpStatusCode.OK);
        await Expect(anonymous.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, "not the password")), HttpStatusCode.Unauthorized);
        tokens = await ReadAsync<TokenResponse>(await anonymous.PostAsJsonAsync("/api/auth/refresh", new RefreshRequest(tokens.RefreshToken)), HttpStatusCode.OK);
        await Expect(anonymous.GetAsync("/api/auth/profile"), HttpStatusCode.Unauthorized);
        using (var user = fixture.Accounts.As(email, Password))
        {
            await Expect(user.GetAsync("/api/auth/profile"), HttpStatusCode.OK);
            await Expect(user.GetAsync("/api/users"), HttpStatusCode.Forbidden);
            await Expect(user.PostAsync("/api/auth/logout", null), HttpStatusCode.NoContent);
        }

        using (var user = new HttpClient(fixture.Traffic.CreateHandler(new SocketsHttpHandler())) { BaseAddress = anonymous.BaseAddress })
        {
            user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
            await Expect(user.PutAsJsonAsync("/api/auth/password", new ChangePasswordRequest(Password, "short")), HttpStatusCode.BadRequest);
            tokens = await ReadAsync<TokenResponse>(await user.PutAsJsonAsync("/api/auth/password", new ChangePasswordRequest(Password, Password + " changed")), HttpStatusCode.OK);
            user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
            await Expect(user.PostAsync("/api/auth/logout-all", null), HttpStatusCode.NoContent);
        }

        await Expect(admin.PutAsJsonAsync($"/api/users/{registered.Id}/password", new ResetPasswordRequest("a temporary passphrase")), HttpStatusCode.OK);
        await Expect(admin.PutAsJsonAsync($"/api/users/{registered.Id}/password", new ResetPasswordRequest("short")), HttpStatusCode.BadRequest);
        await Expect(admin.PutAsJsonAsync($"/api/users/{Guid.NewGuid()}/password", new ResetPasswordRequest("a temporary passphrase")), HttpStatusCode.NotFound);
        await Expect(anonymous.PostAsJsonAsync("/api/auth/login", new LoginRequest(email, "a temporary passphrase")), HttpStatusCode.Forbidden);
        await Expect(admin.PostAsync($"/api/users/{registered.Id}/sessions/revoke", null), HttpStatusCode.NoContent);
        await Expect(admin.PostAsync($"/api/users/{Guid.NewGuid()}/sessions/revoke", null), HttpStatusCode.NotFound);

        await Expect(admin.GetAsync("/api/system/info"), HttpStatusCode.OK);

        // Catalog and stores.
        var sku = $"CT-{Guid.NewGuid():N}"[..24];
        var product = await ReadAsync<Product>(await admin.PostAsJsonAsync("/api/products", new ProductRequest(sku, "Contract product", "Testing", "each", 1.25m)), HttpStatusCode.Created);
        await Expect(admin.PostAsJsonAsync("/api/products", new ProductRequest(sku, "Again", "Testing", "each", 1m)), HttpStatusCode.Conflict);
        await Expect(admin.PostAsJsonAsync("/api/products", new { name = "No sku" }), HttpStatusCode.BadRequest);
        await Expect(admin.GetAsync($"/api/products?category=Testing&limit=2"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/products?limit=0"), HttpStatusCode.BadRequest);
        using var read = await admin.GetAsync($"/api/products/{product.Id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await Expect(admin.GetAsync($"/api/products/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await Expect(admin.PutAsJsonAsync($"/api/products/{product.Id}", new ProductRequest(sku, "Renamed", "Testing", "each", 1.5m, Description: "Changed")), HttpStatusCode.OK);
        using (var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{product.Id}") { Content = JsonContent.Create(new ProductRequest(sku, "Stale", "Testing", "each", 1m)) })
        {
            stale.Headers.IfMatch.Add(read.Headers.ETag!);
            await Expect(admin.SendAsync(stale), HttpStatusCode.PreconditionFailed);
        }

        var store = await ReadAsync<Store>(await admin.PostAsJsonAsync("/api/stores", new StoreRequest($"CT-{Guid.NewGuid():N}"[..20], "Contract store")), HttpStatusCode.Created);
        var other = await ReadAsync<Store>(await admin.PostAsJsonAsync("/api/stores", new StoreRequest($"CT-{Guid.NewGuid():N}"[..20], "Contract store 2", "Europe/Paris", "1 Rue")), HttpStatusCode.Created);
        await Expect(admin.PostAsJsonAsync("/api/stores", new StoreRequest(store.Code, "Same code")), HttpStatusCode.Conflict);
        await Expect(admin.GetAsync("/api/stores?limit=3"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/stores?q={Uri.EscapeDataString(store.Code)}&limit=3"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/stores/{store.Id}"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/stores/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await Expect(admin.PutAsJsonAsync($"/api/stores/{store.Id}", new StoreRequest(store.Code, "Contract store, renamed", Address: "2 Main St")), HttpStatusCode.OK);

        // Stock: a product named by id, by sku alone (no productId member at all), and every document.
        await Expect(admin.PostAsJsonAsync("/api/stock/add", new MovementRequest(store.Id, product.Id, null, 10m, Reference: "PO-1")), HttpStatusCode.Created);
        var sale = await ReadAsync<MovementResult>(await admin.PostAsync("/api/stock/sale",
            Json($$"""{"storeId":"{{store.Id}}","sku":"{{sku}}","quantity":1,"deviceId":"till-1"}""")), HttpStatusCode.Created);
        await Expect(admin.PostAsync("/api/stock/add", Json($$"""{"storeId":"{{store.Id}}","productId":"{{product.Id}}","quantity":2}""")), HttpStatusCode.Created);
        await Expect(admin.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1000m)), HttpStatusCode.Conflict);
        await Expect(admin.PostAsJsonAsync("/api/stock/sale", new MovementRequest(null, null, null, null)), HttpStatusCode.BadRequest);
        await Expect(admin.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, Guid.NewGuid(), null, 1m)), HttpStatusCode.NotFound);
        await Expect(admin.PostAsJsonAsync("/api/stock/remove", new MovementRequest(store.Id, null, sku, 1m, Reason: "damaged")), HttpStatusCode.Created);
        await Expect(admin.PostAsJsonAsync("/api/stock/batch", new BatchRequest([
            new BatchLine("stock_in", store.Id, product.Id, null, 3m),
            new BatchLine("sale", store.Id, null, sku, 1m, OccurredAt: DateTimeOffset.UtcNow.AddMinutes(-1)),
        ])), HttpStatusCode.Created);
        await Expect(admin.PostAsJsonAsync("/api/stock/transfer", new TransferRequest(store.Id, other.Id, [new TransferLine(null, sku, 2m)], "TR-1")), HttpStatusCode.Created);
        await Expect(admin.PostAsJsonAsync("/api/stock/count", new CountRequest(store.Id, product.Id, null, 5m)), HttpStatusCode.Created);
        await Expect(admin.PostAsync("/api/stock/count", Json($$"""{"storeId":"{{store.Id}}","sku":"{{sku}}","countedQuantity":5}""")), HttpStatusCode.OK);
        await Expect(admin.PostAsJsonAsync("/api/stock/count", new CountRequest(store.Id, product.Id, null, 4m, ExpectedOnHand: 99m)), HttpStatusCode.Conflict);

        // The same Idempotency-Key: replayed for the same body, 422 for another.
        var key = Guid.NewGuid().ToString();
        await Expect(admin.SendAsync(Keyed(key, new MovementRequest(store.Id, product.Id, null, 1m))), HttpStatusCode.Created);
        await Expect(admin.SendAsync(Keyed(key, new MovementRequest(store.Id, product.Id, null, 1m))), HttpStatusCode.Created);
        await Expect(admin.SendAsync(Keyed(key, new MovementRequest(store.Id, product.Id, null, 2m))), HttpStatusCode.UnprocessableEntity);

        await Expect(admin.GetAsync($"/api/stock/current?storeId={store.Id}"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/stock/current?storeId={store.Id}&asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-30).ToString("O"))}"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/stock/current?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}"), HttpStatusCode.BadRequest);
        await Expect(admin.GetAsync($"/api/stock/movements?storeId={store.Id}&limit=2"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/stock/movements/{sale.Movement.Id}"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/stock/movements/{long.MaxValue}"), HttpStatusCode.NotFound);
        await Expect(admin.GetAsync($"/api/stock/movements.csv?storeId={store.Id}&kind=sale"), HttpStatusCode.OK);
        await Expect(admin.GetAsync("/api/stock/movements.csv?kind=gift"), HttpStatusCode.BadRequest);
        await Expect(admin.GetAsync($"/api/stock/current.csv?storeId={store.Id}"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/stock/current.csv?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}"), HttpStatusCode.BadRequest);
        await Expect(admin.GetAsync($"/api/stores/{store.Id}/inventory"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/reports/stock?storeId={store.Id}&q={Uri.EscapeDataString(sku)}&limit=5"), HttpStatusCode.OK);
        await Expect(admin.GetAsync("/api/reports/stock?cursor=not-a-cursor"), HttpStatusCode.BadRequest);
        await Expect(admin.GetAsync("/api/reports/categories"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/reports/sales?storeId={store.Id}&from=2026-01-01&to=2026-01-31"), HttpStatusCode.OK);
        await Expect(admin.GetAsync("/api/reports/sales?from=2026-02-01&to=2026-01-01"), HttpStatusCode.BadRequest);
        await Expect(admin.GetAsync($"/api/reports/sales?storeId={Guid.NewGuid()}"), HttpStatusCode.NotFound);

        // Imports and operations: a one-line movements file, a bad header, the operation, its errors.
        const string ImportHeader = "storeCode,sku,kind,quantity,reason,reference,note,occurredAt\n";
        var import = await ReadAsync<Operation>(await admin.PostAsync("/api/imports?kind=movements",
            new StringContent($"{ImportHeader}{store.Code},{sku},stock_in,1,,,,\n", Encoding.UTF8, "text/csv")), HttpStatusCode.Accepted);
        await Expect(admin.PostAsync("/api/imports?kind=movements", new StringContent("storeCode,sku\n", Encoding.UTF8, "text/csv")), HttpStatusCode.BadRequest);
        await Expect(admin.GetAsync("/api/operations?limit=2"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/operations/{import.Id}"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/operations/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await Expect(admin.GetAsync($"/api/operations/{import.Id}/errors?limit=5"), HttpStatusCode.OK);

        // Users and audit.
        await Expect(admin.GetAsync("/api/users?limit=2"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/users/{registered.Id}"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/users/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await Expect(admin.PutAsJsonAsync($"/api/users/{registered.Id}/roles", new UserRolesRequest(["STORE_MANAGER"])), HttpStatusCode.OK);
        await Expect(admin.PutAsJsonAsync($"/api/users/{registered.Id}/roles", new UserRolesRequest(["KING"])), HttpStatusCode.BadRequest);
        await Expect(admin.PutAsJsonAsync($"/api/users/{registered.Id}/stores", new UserStoresRequest([store.Id])), HttpStatusCode.OK);
        await Expect(admin.PutAsJsonAsync($"/api/users/{registered.Id}/active", new UserActiveRequest(false)), HttpStatusCode.OK);
        await Expect(admin.GetAsync("/api/audit-logs?table=products&limit=3"), HttpStatusCode.OK);

        // The stock history freeze, left lifted as every test leaves it.
        await Expect(admin.GetAsync("/api/settings/stock-frozen-until"), HttpStatusCode.OK);
        await Expect(admin.PutAsJsonAsync("/api/settings/stock-frozen-until", new StockFreezeRequest(null)), HttpStatusCode.OK);
        await Expect(admin.PutAsJsonAsync("/api/settings/stock-frozen-until", new StockFreezeRequest(DateTimeOffset.UtcNow.AddDays(1))), HttpStatusCode.BadRequest);

        // Thresholds, alerts, events and dead letters.
        var thresholds = $"/api/stores/{store.Id}/thresholds";
        await Expect(admin.PutAsJsonAsync($"{thresholds}/{product.Id}", new StockThresholdRequest(3, 12)), HttpStatusCode.OK);
        await Expect(admin.PutAsJsonAsync($"{thresholds}/{product.Id}", new StockThresholdRequest(1.5m)), HttpStatusCode.BadRequest);
        await Expect(admin.PutAsJsonAsync($"{thresholds}/{Guid.NewGuid()}", new StockThresholdRequest(1)), HttpStatusCode.NotFound);
        await Expect(admin.GetAsync($"{thresholds}/{product.Id}"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/stores/{other.Id}/thresholds/{product.Id}"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"{thresholds}/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await Expect(admin.GetAsync($"{thresholds}?limit=1"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"{thresholds}?limit=0"), HttpStatusCode.BadRequest);
        await Expect(admin.GetAsync($"/api/stores/{Guid.NewGuid()}/thresholds"), HttpStatusCode.NotFound);

        long alertId;
        await using (var owner = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(Contracts.ResourceNames.BazaarDb))!))
        await using (var seed = owner.CreateCommand("""
            INSERT INTO bazaar.inventory_alerts (store_id, product_id, kind, status, on_hand, reorder_point, opened_at, changed_at, last_event_id)
            VALUES ($1, $2, 'low_stock', 'open', 1, 3, now(), now(), 0) RETURNING id
            """))
        {
            seed.Parameters.AddWithValue(other.Id);
            seed.Parameters.AddWithValue(product.Id);
            alertId = (long)(await seed.ExecuteScalarAsync())!;
        }

        await Expect(admin.GetAsync($"/api/inventory/alerts?storeId={other.Id}&status=active&limit=5"), HttpStatusCode.OK);
        await Expect(admin.GetAsync("/api/inventory/alerts?status=gone"), HttpStatusCode.BadRequest);
        await Expect(admin.GetAsync($"/api/inventory/alerts?storeId={Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await Expect(admin.PostAsync($"/api/inventory/alerts/{alertId}/acknowledge", null), HttpStatusCode.OK);
        await Expect(admin.PostAsync($"/api/inventory/alerts/{long.MaxValue}/acknowledge", null), HttpStatusCode.NotFound);
        await Expect(admin.GetAsync($"/api/inventory/events?storeId={store.Id}&type=stock.changed&limit=3"), HttpStatusCode.OK);
        await Expect(admin.GetAsync($"/api/inventory/events?storeId={other.Id}&afterId=1"), HttpStatusCode.OK);
        await Expect(admin.GetAsync("/api/inventory/events?type=nope"), HttpStatusCode.BadRequest);
        await Expect(admin.GetAsync($"/api/inventory/events?storeId={Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await Expect(admin.GetAsync("/api/admin/dead-letters?waiting=true&limit=2"), HttpStatusCode.OK);
        await Expect(admin.GetAsync("/api/admin/dead-letters?cursor=x"), HttpStatusCode.BadRequest);
        await Expect(admin.PostAsJsonAsync("/api/admin/dead-letters/replay", new DeadLetterReplayRequest([long.MaxValue])), HttpStatusCode.OK);
        await Expect(admin.PostAsJsonAsync("/api/admin/dead-letters/replay", new DeadLetterReplayRequest([])), HttpStatusCode.BadRequest);

        await Expect(admin.DeleteAsync($"/api/products/{product.Id}"), HttpStatusCode.NoContent);
        await Expect(admin.DeleteAsync($"/api/products/{Guid.NewGuid()}"), HttpStatusCode.NotFound);

        HttpRequestMessage Keyed(string idempotencyKey, MovementRequest body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/stock/add") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task Expect(Task<HttpResponseMessage> send, HttpStatusCode expected)
    {
        using var response = await send;
        Assert.True(expected == response.StatusCode,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode,
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
            return JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web)!;
        }
    }
}
