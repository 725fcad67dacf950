using System.Net.Http.Json;
using System.Text;
using BazaarCstd.Contracts;
using BazaarCstd.Contracts.Operations;
using BazaarCstd.IntegrationTests.Infrastructure;
using Npgsql;

namespace BazaarCstd.IntegrationTests.Operations;

/// <summary>Uploads CSV files to <c>POST /api/imports</c> and follows the operations they start.</summary>
public sealed class ImportClient(AppFixture fixture)
{
    public const string MovementHeader = "storeCode,sku,kind,quantity,reason,reference,note,occurredAt";
    public const string ProductHeader = "sku,name,category,unit,unitPrice,barcode,reorderPoint";

    public static string Csv(string header, IEnumerable<string> rows)
    {
        var text = new StringBuilder(header).Append("\r\n");
        foreach (var row in rows)
        {
            text.Append(row).Append("\r\n");
        }

        return text.ToString();
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string kind, string csv, string? key = null, bool atomic = false, string mediaType = "text/csv") =>
        PostAsync(http, kind, new StringContent(csv, Encoding.UTF8, mediaType), key, atomic);

    /// <summary>Uploads <paramref name="file"/> as it is (its own media type; disposed with the request).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string kind, HttpContent file, string? key = null, bool atomic = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/imports?kind={kind}" + (atomic ? "&atomic=true" : ""))
        {
            Content = file,
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Uploads and expects 202 with the operation's Location.</summary>
    public static Task<Operation> StartAsync(HttpClient http, string kind, string csv, string? key = null, bool atomic = false) =>
        StartAsync(http, kind, new StringContent(csv, Encoding.UTF8, "text/csv"), key, atomic);

    /// <summary>Uploads <paramref name="file"/> and expects 202 with the operation's Location.</summary>
    public static async Task<Operation> StartAsync(HttpClient http, string kind, HttpContent file, string? key = null, bool atomic = false)
    {
        using var response = await PostAsync(http, kind, file, key, atomic);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"upload: {(int)response.StatusCode} {body}");
        var operation = System.Text.Json.JsonSerializer.Deserialize<Operation>(body, System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.Equal($"/api/operations/{operation.Id}", response.Headers.Location?.OriginalString);
        return operation;
    }

    public static Task<Operation> FinishedAsync(HttpClient http, Guid id, TimeSpan deadline) =>
        Eventually.ReturnsAsync(async () =>
        {
            var operation = await http.GetFromJsonAsync<Operation>($"/api/operations/{id}");
            return operation is not null && OperationStatuses.IsFinal(operation.Status) ? operation : null;
        }, deadline, $"operation {id} to finish");

    public static async Task<List<OperationError>> ErrorsAsync(HttpClient http, Guid id)
    {
        var all = new List<OperationError>();
        string? cursor = null;
        do
        {
            var page = await http.GetFromJsonAsync<Page<OperationError>>($"/api/operations/{id}/errors?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            all.AddRange(page!.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    /// <summary>Movements an operation wrote (an import's movements carry its id as their batch id).</summary>
    public async Task<long> MovementCountAsync(Guid operationId)
    {
        await using var db = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
        await using var command = db.CreateCommand("SELECT count(*) FROM bazaar.stock_movements WHERE batch_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = operationId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Waits until the alerts consumer has applied every stock.changed event of the store: an import
    /// writes thousands, and a backlog left in the shared app would delay the next test's alerts.
    /// </summary>
    public async Task AlertsCaughtUpAsync(Guid storeId, TimeSpan deadline)
    {
        await using var db = NpgsqlDataSource.Create((await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!);
        await Eventually.IsTrueAsync(async () =>
        {
            await using var command = db.CreateCommand("""
                SELECT count(*) FROM bazaar.inventory_events e
                WHERE e.store_id = $1 AND e.type = 'stock.changed'
                  AND NOT EXISTS (SELECT 1 FROM bazaar.processed_events p WHERE p.consumer = 'alerts' AND p.event_id = e.id)
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = storeId });
            return (long)(await command.ExecuteScalarAsync())! == 0;
        }, deadline, "the alerts consumer to apply the store's events");
    }
}
