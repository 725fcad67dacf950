using System.Globalization;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Alerts;
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

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, string? idempotencyKey, CancellationToken ct)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Options.Set(ApiTokenHandler.SessionKey, user.SessionKey() ?? throw new SessionExpiredException());
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
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

        return await ApiResponses.ReadAsync<T>(response, ct);
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
