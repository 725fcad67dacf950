using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Audit;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.IntegrationTests.Accounts;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Audit;

/// <summary>
/// The audit log (issue #5 item 8): database triggers record every change with the acting user and
/// the request; the application's database role can read it but never change it.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed class AuditLogTests(BazaarAppFixture fixture)
{
    private const string RequestIdHeader = "X-Request-Id";

    private readonly InventoryApi _api = new(fixture);

    [Fact]
    public async Task Updating_a_product_writes_an_audit_row_naming_the_admin_and_the_request()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var product = await _api.NewProductAsync();
        var adminId = await ProfileIdAsync(_api.Http);
        var requestId = NewRequestId("put-product");

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{product.Id}")
        {
            Content = JsonContent.Create(new ProductRequest(product.Sku, "Renamed product", product.Category, product.Unit, 3.75m)),
        };
        put.Headers.Add(RequestIdHeader, requestId);
        using var response = await _api.Http.SendAsync(put);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var rows = (await EntriesAsync($"table=products&actorId={adminId}&from={Iso(since)}"))
            .Where(e => e.RowKey == product.Id.ToString()).ToList();
        var update = Assert.Single(rows, e => e.Operation == "UPDATE");
        Assert.Equal(adminId, update.ActorId);
        Assert.Equal(requestId, update.RequestId);
        Assert.Equal("products", update.Table);
        Assert.Equal("Test product", update.Old!.Value.GetProperty("name").GetString());
        Assert.Equal("Renamed product", update.New!.Value.GetProperty("name").GetString());
        Assert.Equal(DatabaseRoles.Application, update.DatabaseUser);

        var insert = Assert.Single(rows, e => e.Operation == "INSERT");
        Assert.Equal(adminId, insert.ActorId);
        Assert.Null(insert.Old);
        Assert.NotEqual(requestId, insert.RequestId);
    }

    [Fact]
    public async Task A_sale_by_a_store_user_writes_one_audit_row_naming_them()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 5);
        var (staffId, staff) = await NewStaffAsync(store.Id);
        var requestId = NewRequestId("sale");

        using var sale = new HttpRequestMessage(HttpMethod.Post, "/api/stock/sale")
        {
            Content = JsonContent.Create(new MovementRequest(store.Id, product.Id, null, 2, DeviceId: "till-7")),
        };
        sale.Headers.Add(RequestIdHeader, requestId);
        using var response = await staff.SendAsync(sale);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var movement = (await response.Content.ReadFromJsonAsync<MovementResult>())!.Movement;

        var row = Assert.Single(await EntriesAsync($"table=stock_movements&actorId={staffId}&from={Iso(since)}"));
        Assert.Equal("INSERT", row.Operation);
        Assert.Equal(movement.Id.ToString(), row.RowKey);
        Assert.Equal(staffId, row.ActorId);
        Assert.Equal(requestId, row.RequestId);
        Assert.Equal("sale", row.New!.Value.GetProperty("kind").GetString());
        Assert.Equal(staffId.ToString(), row.New.Value.GetProperty("actor_id").GetString());
    }

    [Fact]
    public async Task A_write_with_an_Idempotency_Key_is_audited_once_and_its_replay_not_at_all()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var store = await _api.NewStoreAsync();
        var adminId = await ProfileIdAsync(_api.Http);
        var key = Guid.NewGuid().ToString();

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/stores/{store.Id}")
            {
                Content = JsonContent.Create(new StoreRequest(store.Code, "Renamed store", "Europe/Paris")),
            };
            put.Headers.Add("Idempotency-Key", key);
            put.Headers.Add(RequestIdHeader, NewRequestId($"put-store-{attempt}"));
            using var response = await _api.Http.SendAsync(put);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var update = Assert.Single(await EntriesAsync($"table=stores&from={Iso(since)}"), e => e.RowKey == store.Id.ToString() && e.Operation == "UPDATE");
        Assert.Equal(adminId, update.ActorId);
        Assert.StartsWith("audit-put-store-0-", update.RequestId);
        Assert.Equal("Europe/Paris", update.New!.Value.GetProperty("timezone").GetString());
    }

    [Fact]
    public async Task Parallel_sales_by_two_users_each_write_exactly_one_audit_row_naming_their_seller()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var store = await _api.NewStoreAsync();
        var product = await _api.NewProductAsync();
        await _api.AddStockAsync(store.Id, product.Id, 100);
        var adminId = await ProfileIdAsync(_api.Http);
        var (staffId, staff) = await NewStaffAsync(store.Id);

        var sales = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var (actor, http) = i % 2 == 0 ? (adminId, _api.Http) : (staffId, staff);
            var requestId = NewRequestId($"parallel-{i}");
            using var sale = new HttpRequestMessage(HttpMethod.Post, "/api/stock/sale")
            {
                Content = JsonContent.Create(new MovementRequest(store.Id, product.Id, null, 1)),
            };
            sale.Headers.Add(RequestIdHeader, requestId);
            using var response = await http.SendAsync(sale);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var movement = (await response.Content.ReadFromJsonAsync<MovementResult>())!.Movement;
            return (MovementId: movement.Id.ToString(), Actor: actor, RequestId: requestId);
        }));

        // Small pages: the keyset cursor walks every row exactly once.
        var rows = (await EntriesAsync($"table=stock_movements&from={Iso(since)}", pageSize: 7))
            .Where(e => e.New!.Value.GetProperty("store_id").GetString() == store.Id.ToString()
                && e.New.Value.GetProperty("kind").GetString() == "sale")
            .ToList();
        Assert.Equal(40, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        foreach (var sale in sales)
        {
            var row = Assert.Single(rows, r => r.RowKey == sale.MovementId);
            Assert.Equal(sale.Actor, row.ActorId);
            Assert.Equal(sale.RequestId, row.RequestId);
        }
    }

    [Fact]
    public async Task Password_hashes_never_reach_the_audit_log()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var email = $"audit-{Guid.NewGuid():N}@example.test";
        var requestId = NewRequestId("register");
        using var anonymous = fixture.Accounts.Anonymous();
        using var register = new HttpRequestMessage(HttpMethod.Post, "/api/auth/register")
        {
            Content = JsonContent.Create(new RegisterRequest(email, "correct horse battery", "Audited")),
        };
        register.Headers.Add(RequestIdHeader, requestId);
        using var registered = await anonymous.SendAsync(register);
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        var userId = await _api.Http.UserIdAsync(email);

        // An admin's password reset updates the row too.
        using var reset = await _api.Http.PutAsJsonAsync($"/api/users/{userId}/password", new ResetPasswordRequest("a temporary passphrase"));
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);

        var rows = (await EntriesAsync($"table=users&from={Iso(since)}")).Where(e => e.RowKey == userId.ToString()).ToList();
        var insert = Assert.Single(rows, e => e.Operation == "INSERT");
        Assert.Null(insert.ActorId); // nobody was signed in
        Assert.Equal(requestId, insert.RequestId);
        Assert.Equal("redacted", insert.New!.Value.GetProperty("password_hash").GetString());
        var update = Assert.Single(rows, e => e.Operation == "UPDATE");
        Assert.True(update.New!.Value.GetProperty("must_change_password").GetBoolean());
        Assert.Equal("redacted", update.Old!.Value.GetProperty("password_hash").GetString());
        Assert.Equal("redacted, changed", update.New.Value.GetProperty("password_hash").GetString());

        await using var owner = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
        await using var hash = owner.CreateCommand("SELECT password_hash FROM bazaar.users WHERE id = $1");
        hash.Parameters.AddWithValue(userId);
        var passwordHash = (string)(await hash.ExecuteScalarAsync())!;
        await using var leaks = owner.CreateCommand("""
            SELECT count(*) FROM bazaar.audit_logs
            WHERE strpos(coalesce(old_data::text, '') || coalesce(new_data::text, ''), $1) > 0
               OR (table_name = 'users' AND (old_data ->> 'password_hash' LIKE '$2%' OR new_data ->> 'password_hash' LIKE '$2%'))
            """);
        leaks.Parameters.AddWithValue(passwordHash);
        Assert.Equal(0L, (long)(await leaks.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task The_application_role_can_read_but_never_change_audit_rows()
    {
        var product = await _api.NewProductAsync();
        await using var app = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDbApp))!);

        await using (var whoami = app.CreateCommand("SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"))
        await using (var reader = await whoami.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Assert.Equal(DatabaseRoles.Application, reader.GetString(0));
            Assert.False(reader.GetBoolean(1));
        }

        long id;
        string partition;
        await using (var find = app.CreateCommand(
            "SELECT id, tableoid::regclass::text FROM bazaar.audit_logs WHERE table_name = 'products' AND row_key = $1 AND operation = 'INSERT'"))
        {
            find.Parameters.AddWithValue(product.Id.ToString());
            await using var reader = await find.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), "the product's INSERT audit row is readable");
            (id, partition) = (reader.GetInt64(0), reader.GetString(1));
        }

        string[] attempts =
        [
            $"UPDATE bazaar.audit_logs SET actor_id = NULL, request_id = 'tampered' WHERE id = {id}",
            $"DELETE FROM bazaar.audit_logs WHERE id = {id}",
            $"UPDATE {partition} SET request_id = 'tampered' WHERE id = {id}",
            $"DELETE FROM {partition} WHERE id = {id}",
            "INSERT INTO bazaar.audit_logs (table_name, operation, row_key) VALUES ('products', 'INSERT', 'forged')",
            "TRUNCATE bazaar.audit_logs",
        ];
        foreach (var sql in attempts)
        {
            await using var command = app.CreateCommand(sql);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
        }

        // Not even the owner changes a row: old months go by dropping a partition.
        await using var owner = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
        await using var ownerUpdate = owner.CreateCommand($"UPDATE bazaar.audit_logs SET request_id = 'tampered' WHERE id = {id}");
        var immutable = await Assert.ThrowsAsync<PostgresException>(() => ownerUpdate.ExecuteNonQueryAsync());
        Assert.Equal("BZ901", immutable.SqlState);
    }

    [Fact]
    public async Task Only_admins_read_the_audit_log_and_bad_filters_are_400()
    {
        var store = await _api.NewStoreAsync();
        var (_, staff) = await NewStaffAsync(store.Id);
        using (var forbidden = await staff.GetAsync("/api/audit-logs"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        using (var anonymous = fixture.Accounts.Anonymous())
        using (var unauthorized = await anonymous.GetAsync("/api/audit-logs"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        }

        using (var badTable = await _api.Http.GetAsync("/api/audit-logs?table=refresh_tokens"))
        {
            var problem = await InventoryApi.AssertProblem(badTable, HttpStatusCode.BadRequest, "unknown table");
            Assert.True(problem.GetProperty("errors").TryGetProperty("table", out _));
        }

        var now = DateTimeOffset.UtcNow;
        using (var backwards = await _api.Http.GetAsync($"/api/audit-logs?from={Iso(now)}&to={Iso(now.AddHours(-1))}"))
        {
            await InventoryApi.AssertProblem(backwards, HttpStatusCode.BadRequest, "to before from");
        }

        using (var badCursor = await _api.Http.GetAsync("/api/audit-logs?cursor=nonsense&limit=501"))
        {
            var problem = await InventoryApi.AssertProblem(badCursor, HttpStatusCode.BadRequest, "bad cursor and limit");
            Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
            Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
        }
    }

    private static string NewRequestId(string what) => $"audit-{what}-{Guid.NewGuid():N}";

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.ToUniversalTime().ToString("O"));

    private static async Task<Guid> ProfileIdAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<UserProfile>("/api/auth/profile"))!.Id;

    /// <summary>Every entry matching <paramref name="filter"/>, following the cursor, as the admin sees them.</summary>
    private async Task<List<AuditEntry>> EntriesAsync(string filter, int pageSize = 500)
    {
        var all = new List<AuditEntry>();
        string? cursor = null;
        do
        {
            var page = await _api.Http.GetFromJsonAsync<Page<AuditEntry>>(
                $"/api/audit-logs?{filter}&limit={pageSize}" + (cursor is null ? "" : $"&cursor={cursor}"));
            all.AddRange(page!.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    /// <summary>A new STAFF account assigned to <paramref name="storeId"/>, and a client signed in as it.</summary>
    private async Task<(Guid Id, HttpClient Http)> NewStaffAsync(Guid storeId)
    {
        var email = $"staff-{Guid.NewGuid():N}@example.test";
        const string password = "staff password 2026";
        using var anonymous = fixture.Accounts.Anonymous();
        using var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new RegisterRequest(email, password, "Audit staff"));
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        var id = await _api.Http.UserIdAsync(email);
        using var assigned = await _api.Http.PutAsJsonAsync($"/api/users/{id}/stores", new UserStoresRequest([storeId]));
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        return (id, fixture.Accounts.As(email, password));
    }
}
