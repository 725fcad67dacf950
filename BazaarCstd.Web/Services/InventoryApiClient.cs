using System.Globalization;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Alerts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Reports;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using BazaarCstd.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;

namespace BazaarCstd.Web.Services;

/// <summary>
/// The dashboard's only way to the data: the API over HTTP (standard resilience from
/// ServiceDefaults), as the signed-in user — <see cref="ApiTokenHandler"/> attaches their token, so
/// the API's store scoping is the only scoping. A problem response becomes an
/// <see cref="ApiProblemException"/> carrying it; a session the API no longer accepts, a
/// <see cref="SessionExpiredException"/>; no answer at all (after the resilience pipeline's retries,
/// its timeout or its open circuit), an <see cref="HttpRequestException"/>, and
/// <see cref="ApiAvailability"/> hears of it for the banner. Reads carry the circuit's latest write
/// token (<see cref="ReadYourWrites"/>), so they see that write although the API reads from its replica.
/// </summary>
public sealed class InventoryApiClient(HttpClient http, AuthenticationStateProvider authentication, ApiAvailability availability, ReadYourWrites consistency)
{
    /// <summary>What <c>POST /api/stock/{path}</c> records for each quick-entry kind.</summary>
    private static readonly Dictionary<string, string> s_movementPaths = new(StringComparer.Ordinal)
    {
        [MovementKinds.StockIn] = "add",
        [MovementKinds.Sale] = "sale",
        [MovementKinds.Removal] = "remove",
    };

    public Task<SystemInfo> GetSystemInfoAsync(CancellationToken ct = default) =>
        SendAsync<SystemInfo>(HttpMethod.Get, "/api/system/info", null, null, ct);

    /// <summary>The API's own health report (<c>/health</c>, no sign-in needed): "Healthy", another status, or why it could not be asked.</summary>
    public async Task<string> GetHealthAsync(CancellationToken ct = default)
    {
        try
        {
            using var response = await http.GetAsync("/health", ct);
            availability.Report(Answered(response));
            return (await response.Content.ReadAsStringAsync(ct)).Trim() is { Length: > 0 and <= 40 } status
                ? status
                : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (Unreachable(ex, ct))
        {
            availability.Report(false);
            return ex.Message;
        }
    }

    /// <summary>The stores the user may see (the API narrows the list), by code.</summary>
    public async Task<IReadOnlyList<Store>> GetStoresAsync(CancellationToken ct = default)
    {
        var stores = new List<Store>();
        string? cursor = null;
        do
        {
            var page = await SendAsync<Page<Store>>(HttpMethod.Get, Query("/api/stores", ("limit", "500"), ("cursor", cursor)), null, null, ct);
            stores.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return stores;
    }

    /// <summary>A page of the stock grid, filtered and ordered by the API.</summary>
    public Task<Page<StockRow>> SearchStockAsync(StockFilter filter, string? cursor, int limit, CancellationToken ct = default) =>
        SendAsync<Page<StockRow>>(HttpMethod.Get, Query("/api/reports/stock",
            ("storeId", filter.StoreId?.ToString()),
            ("category", NullIfBlank(filter.Category)),
            ("q", NullIfBlank(filter.Search)),
            ("lowStock", filter.LowStockOnly ? "true" : null),
            ("cursor", cursor),
            ("limit", limit.ToString(CultureInfo.InvariantCulture))), null, null, ct);

    public Task<IReadOnlyList<string>> GetCategoriesAsync(CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<string>>(HttpMethod.Get, "/api/reports/categories", null, null, ct);

    /// <summary>Records a stock-in, sale or removal. The key makes a repeated submit record once.</summary>
    public Task<MovementResult> RecordMovementAsync(string kind, MovementRequest body, string idempotencyKey, CancellationToken ct = default) =>
        SendAsync<MovementResult>(HttpMethod.Post, $"/api/stock/{s_movementPaths[kind]}", JsonContent.Create(body), idempotencyKey, ct);

    public Task<CountResult> RecordCountAsync(CountRequest body, string idempotencyKey, CancellationToken ct = default) =>
        SendAsync<CountResult>(HttpMethod.Post, "/api/stock/count", JsonContent.Create(body), idempotencyKey, ct);

    /// <summary>Moves stock between two stores as one document (managers). The key makes a repeated submit record once.</summary>
    public Task<DocumentResult> TransferAsync(TransferRequest body, string idempotencyKey, CancellationToken ct = default) =>
        SendAsync<DocumentResult>(HttpMethod.Post, "/api/stock/transfer", JsonContent.Create(body), idempotencyKey, ct);

    /// <summary>Units sold per business day over the period, in one store or all the user's stores.</summary>
    public Task<SalesReport> GetSalesAsync(Guid? storeId, DateOnly from, DateOnly to, CancellationToken ct = default) =>
        SendAsync<SalesReport>(HttpMethod.Get, Query("/api/reports/sales",
            ("storeId", storeId?.ToString()),
            ("from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))), null, null, ct);

    /// <summary>The latest movements of one store or all the user's stores, newest first.</summary>
    public Task<Page<Movement>> GetLatestMovementsAsync(Guid? storeId, int limit, CancellationToken ct = default) =>
        SendAsync<Page<Movement>>(HttpMethod.Get, Query("/api/stock/movements",
            ("storeId", storeId?.ToString()), ("limit", limit.ToString(CultureInfo.InvariantCulture))), null, null, ct);

    /// <summary>Movements of one product in one store, newest first.</summary>
    public Task<Page<Movement>> GetMovementsAsync(Guid storeId, Guid productId, string? cursor, int limit, CancellationToken ct = default) =>
        SendAsync<Page<Movement>>(HttpMethod.Get, Query("/api/stock/movements",
            ("storeId", storeId.ToString()), ("productId", productId.ToString()), ("cursor", cursor),
            ("limit", limit.ToString(CultureInfo.InvariantCulture))), null, null, ct);

    /// <summary>One (store, product) level as the API shows it to this user now, or null when it has none (or may not see it).</summary>
    public async Task<StockRow?> GetLevelAsync(Guid storeId, Guid productId, CancellationToken ct = default) =>
        (await SendAsync<Page<StockRow>>(HttpMethod.Get, Query("/api/stock/current",
            ("storeId", storeId.ToString()), ("productId", productId.ToString())), null, null, ct)).Items.SingleOrDefault();

    /// <summary>Alerts of the user's stores with this status (<c>open</c>, <c>active</c>, …), newest first.</summary>
    public Task<Page<InventoryAlert>> GetAlertsAsync(string status, string? cursor, int limit, CancellationToken ct = default) =>
        SendAsync<Page<InventoryAlert>>(HttpMethod.Get, Query("/api/inventory/alerts",
            ("status", status), ("cursor", cursor), ("limit", limit.ToString(CultureInfo.InvariantCulture))), null, null, ct);

    /// <summary>Marks an open alert acknowledged (again is the same answer).</summary>
    public Task<InventoryAlert> AcknowledgeAlertAsync(long id, CancellationToken ct = default) =>
        SendAsync<InventoryAlert>(HttpMethod.Post, $"/api/inventory/alerts/{id.ToString(CultureInfo.InvariantCulture)}/acknowledge", null, null, ct);

    /// <summary>A page of the movement history with these filters, newest first.</summary>
    public Task<Page<Movement>> SearchMovementsAsync(MovementFilter filter, string? cursor, int limit, CancellationToken ct = default) =>
        SendAsync<Page<Movement>>(HttpMethod.Get, Query("/api/stock/movements",
            [.. filter.Parameters(), ("cursor", cursor), ("limit", limit.ToString(CultureInfo.InvariantCulture))]), null, null, ct);

    /// <summary>Products whose SKU or name matches the text (the catalog is shared by every store).</summary>
    public Task<Page<Product>> SearchProductsAsync(string text, int limit, CancellationToken ct = default) =>
        SendAsync<Page<Product>>(HttpMethod.Get, Query("/api/products", ("q", NullIfBlank(text)), ("limit", limit.ToString(CultureInfo.InvariantCulture))), null, null, ct);

    /// <summary>A product's level in every store the user may see (the API narrows the list).</summary>
    public async Task<IReadOnlyList<StockRow>> GetProductLevelsAsync(Guid productId, CancellationToken ct = default)
    {
        var levels = new List<StockRow>();
        string? cursor = null;
        do
        {
            var page = await SendAsync<Page<StockRow>>(HttpMethod.Get, Query("/api/stock/current",
                ("productId", productId.ToString()), ("cursor", cursor), ("limit", "500")), null, null, ct);
            levels.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return levels;
    }

    public Task<Product> GetProductAsync(Guid id, CancellationToken ct = default) =>
        SendAsync<Product>(HttpMethod.Get, $"/api/products/{id}", null, null, ct);

    /// <summary>One page of the stores the user may see whose code starts with, or whose name contains, the text; by code.</summary>
    public Task<Page<Store>> SearchStoresAsync(string? text, string? cursor, int limit, CancellationToken ct = default) =>
        SendAsync<Page<Store>>(HttpMethod.Get, Query("/api/stores",
            ("q", NullIfBlank(text)), ("cursor", cursor), ("limit", limit.ToString(CultureInfo.InvariantCulture))), null, null, ct);

    /// <summary>A store with the version to send back when editing it.</summary>
    public Task<Versioned<Store>> GetStoreAsync(Guid id, CancellationToken ct = default) =>
        SendVersionedAsync<Store>(HttpMethod.Get, $"/api/stores/{id}", null, null, null, ct);

    public Task<Versioned<Store>> CreateStoreAsync(StoreRequest body, string idempotencyKey, CancellationToken ct = default) =>
        SendVersionedAsync<Store>(HttpMethod.Post, "/api/stores", JsonContent.Create(body), idempotencyKey, null, ct);

    /// <summary>Replaces a store's fields if it is still at <paramref name="etag"/>; a newer change makes the API answer 412.</summary>
    public Task<Versioned<Store>> UpdateStoreAsync(Guid id, StoreRequest body, string? etag, string idempotencyKey, CancellationToken ct = default) =>
        SendVersionedAsync<Store>(HttpMethod.Put, $"/api/stores/{id}", JsonContent.Create(body), idempotencyKey, etag, ct);

    /// <summary>A page of the catalog by SKU, filtered by SKU prefix or name, archived products on request.</summary>
    public Task<Page<Product>> ListProductsAsync(string? text, bool includeArchived, string? cursor, int limit, CancellationToken ct = default) =>
        SendAsync<Page<Product>>(HttpMethod.Get, Query("/api/products",
            ("q", NullIfBlank(text)), ("includeArchived", includeArchived ? "true" : null), ("cursor", cursor),
            ("limit", limit.ToString(CultureInfo.InvariantCulture))), null, null, ct);

    /// <summary>A product with the version to send back when editing it.</summary>
    public Task<Versioned<Product>> GetVersionedProductAsync(Guid id, CancellationToken ct = default) =>
        SendVersionedAsync<Product>(HttpMethod.Get, $"/api/products/{id}", null, null, null, ct);

    public Task<Versioned<Product>> CreateProductAsync(ProductRequest body, string idempotencyKey, CancellationToken ct = default) =>
        SendVersionedAsync<Product>(HttpMethod.Post, "/api/products", JsonContent.Create(body), idempotencyKey, null, ct);

    /// <summary>Replaces a product's fields if it is still at <paramref name="etag"/>; a newer change makes the API answer 412.</summary>
    public Task<Versioned<Product>> UpdateProductAsync(Guid id, ProductRequest body, string? etag, string idempotencyKey, CancellationToken ct = default) =>
        SendVersionedAsync<Product>(HttpMethod.Put, $"/api/products/{id}", JsonContent.Create(body), idempotencyKey, etag, ct);

    /// <summary>Archives a product (its history stays; it takes no new movements).</summary>
    public Task ArchiveProductAsync(Guid id, string idempotencyKey, CancellationToken ct = default) =>
        SendCoreAsync(HttpMethod.Delete, $"/api/products/{id}", null, idempotencyKey, null,
            async response => { await ApiResponses.EnsureSuccessAsync(response, ct); return true; }, ct);

    /// <summary>A page of user accounts by email; <paramref name="email"/> keeps only that account.</summary>
    public Task<Page<UserProfile>> ListUsersAsync(string? email, string? cursor, int limit, CancellationToken ct = default) =>
        SendAsync<Page<UserProfile>>(HttpMethod.Get, Query("/api/users",
            ("email", NullIfBlank(email)), ("cursor", cursor), ("limit", limit.ToString(CultureInfo.InvariantCulture))), null, null, ct);

    public Task<UserProfile> SetUserRolesAsync(Guid id, IReadOnlyList<string> roles, string idempotencyKey, CancellationToken ct = default) =>
        SendAsync<UserProfile>(HttpMethod.Put, $"/api/users/{id}/roles", JsonContent.Create(new UserRolesRequest(roles)), idempotencyKey, ct);

    public Task<UserProfile> SetUserStoresAsync(Guid id, IReadOnlyList<Guid> storeIds, string idempotencyKey, CancellationToken ct = default) =>
        SendAsync<UserProfile>(HttpMethod.Put, $"/api/users/{id}/stores", JsonContent.Create(new UserStoresRequest(storeIds)), idempotencyKey, ct);

    /// <summary>A page of the reorder thresholds in force in a store, by SKU.</summary>
    public Task<Page<StockThreshold>> GetThresholdsAsync(Guid storeId, string? cursor, int limit, CancellationToken ct = default) =>
        SendAsync<Page<StockThreshold>>(HttpMethod.Get, Query($"/api/stores/{storeId}/thresholds",
            ("cursor", cursor), ("limit", limit.ToString(CultureInfo.InvariantCulture))), null, null, ct);

    /// <summary>Sets the store's own reorder point (and quantity) for a product.</summary>
    public Task<StockThreshold> SetThresholdAsync(Guid storeId, Guid productId, StockThresholdRequest body, string idempotencyKey, CancellationToken ct = default) =>
        SendAsync<StockThreshold>(HttpMethod.Put, $"/api/stores/{storeId}/thresholds/{productId}", JsonContent.Create(body), idempotencyKey, ct);

    /// <summary>
    /// Opens a download of the API (a CSV export) as the session's user and returns once its headers
    /// are in: the body is read as it arrives, never buffered whole. The caller disposes the answer.
    /// </summary>
    public async Task<HttpResponseMessage> OpenDownloadAsync(string sessionKey, string pathAndQuery, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Options.Set(ApiTokenHandler.SessionKey, sessionKey);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, string? idempotencyKey, CancellationToken ct) =>
        (await SendVersionedAsync<T>(method, path, content, idempotencyKey, null, ct)).Value;

    /// <summary>Sends and reads the body with the <c>ETag</c> the API sent; <paramref name="ifMatch"/> makes a PUT conditional.</summary>
    private Task<Versioned<T>> SendVersionedAsync<T>(HttpMethod method, string path, HttpContent? content, string? idempotencyKey, string? ifMatch, CancellationToken ct) =>
        SendCoreAsync(method, path, content, idempotencyKey, ifMatch,
            async response => new Versioned<T>(await ApiResponses.ReadAsync<T>(response, ct), response.Headers.ETag?.ToString()), ct);

    private async Task<TResult> SendCoreAsync<TResult>(
        HttpMethod method, string path, HttpContent? content, string? idempotencyKey, string? ifMatch, Func<HttpResponseMessage, Task<TResult>> read, CancellationToken ct)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Options.Set(ApiTokenHandler.SessionKey, user.SessionKey() ?? throw new SessionExpiredException());
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (method == HttpMethod.Get && consistency.Latest is { } token)
        {
            request.Headers.Add(ReadYourWrites.HeaderName, token);
        }

        HttpResponseMessage sent;
        try
        {
            sent = await http.SendAsync(request, ct);
        }
        catch (Exception ex) when (Unreachable(ex, ct))
        {
            availability.Report(false);
            throw new HttpRequestException("The inventory service did not answer.", ex);
        }

        using var response = sent;
        availability.Report(Answered(response));
        if (method != HttpMethod.Get && response.Headers.TryGetValues(ReadYourWrites.HeaderName, out var written))
        {
            consistency.Remember(written.First());
        }

        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            throw new SessionExpiredException();
        }

        return await read(response);
    }

    /// <summary>
    /// No answer from the API: the connection failed, or the resilience pipeline gave up (its total
    /// timeout, its open circuit). A cancellation the caller asked for is not the API's fault.
    /// </summary>
    private static bool Unreachable(Exception ex, CancellationToken ct) => !ct.IsCancellationRequested
        && ex is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException;

    /// <summary>The API itself answered; 502 and 504 come from a proxy in front of an API that did not.</summary>
    private static bool Answered(HttpResponseMessage response) =>
        response.StatusCode is not (System.Net.HttpStatusCode.BadGateway or System.Net.HttpStatusCode.GatewayTimeout);

    private static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var query = string.Join('&', parameters.Where(p => p.Value is not null)
            .Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return query.Length == 0 ? path : $"{path}?{query}";
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
