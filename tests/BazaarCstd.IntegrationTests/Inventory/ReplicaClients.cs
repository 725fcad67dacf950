using System.Net.Http.Headers;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Inventory;

/// <summary>
/// Admin clients of the shared app that talk to each API replica on its own port (not through the
/// AppHost's proxy), so a test chooses which replica writes and which reads: the replica-read and
/// read-cache tests. Their traffic is checked against the OpenAPI document like every shared-app client's.
/// </summary>
public static class ReplicaClients
{
    public const string TokenHeader = ApiAccounts.ConsistencyTokenHeader;

    /// <summary>One admin client per API replica, in instance order; the shared app runs two.</summary>
    public static async Task<HttpClient[]> OpenAsync(BazaarAppFixture fixture)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var token = await fixture.Accounts.TokenAsync(ApiAccounts.AdminEmail, ApiAccounts.AdminPassword, timeout.Token);
        var addresses = await fixture.Runner.InstanceAddressesAsync(ResourceNames.Api, timeout.Token);
        Assert.Equal(2, addresses.Length);
        return [.. addresses.Select(address => new HttpClient(fixture.Traffic.CreateHandler(new SocketsHttpHandler()))
        {
            BaseAddress = address,
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
        })];
    }

    public static void DisposeAll(HttpClient[] clients)
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    /// <summary>Sells one unit through <paramref name="replica"/>; the sale and the consistency token it answered with.</summary>
    public static async Task<(MovementResult Sold, string Token)> SellAsync(HttpClient replica, Guid storeId, Guid productId)
    {
        using var response = await replica.PostAsJsonAsync("/api/stock/sale", new MovementRequest(storeId, productId, null, 1));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.Headers.TryGetValues(TokenHeader, out var tokens), "a write answers with its consistency token");
        return ((await response.Content.ReadFromJsonAsync<MovementResult>())!, tokens.Single());
    }

    /// <summary>A GET through <paramref name="replica"/>, sending <paramref name="token"/> when there is one.</summary>
    public static Task<HttpResponseMessage> GetAsync(HttpClient replica, string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation(TokenHeader, token);
        }

        return replica.SendAsync(request);
    }
}
