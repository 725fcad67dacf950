using BazaarCstd.Contracts.Alerts;
using BazaarCstd.Contracts.Auth;
using BazaarCstd.Contracts.Events;
using BazaarCstd.Contracts.Settings;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Contracts.Stores;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BazaarCstd.Api.Platform;

/// <summary>
/// Makes the request-body schemas say what the API accepts. The generator lists every positional
/// record parameter without a default value as <c>required</c> (System.Text.Json's schema exporter
/// treats such a constructor parameter as required), so <c>productId</c> and <c>sku</c> both looked
/// mandatory on every movement although the deserializer accepts a missing member as null and the
/// API wants one of the two. The request records keep nullable members on purpose: a missing field
/// must reach the handler's validation and come back as a 400 naming it, not as a JSON error.
/// Here each request type lists the fields its validation refuses to go without; those are
/// <c>required</c> and not null, every other field is optional and may be null, and fields the
/// validation ties together (one of <c>productId</c>/<c>sku</c>) say so in their description.
/// A new request type belongs here too; if the list drifts towards demanding more than the API
/// does, the tests' traffic check fails (an accepted body that breaks its schema).
/// </summary>
internal sealed class RequestSchemaTransformer : IOpenApiSchemaTransformer
{
    private const string ProductOrSku = "Name the product by productId or by sku; one of the two is required (400 otherwise).";

    private static readonly Dictionary<Type, RequestShape> Shapes = new()
    {
        [typeof(MovementRequest)] = new(["storeId", "quantity"],
            "One stock-in, sale or removal. Name the product by productId or by sku (one of the two).",
            ProductFields(new()
            {
                ["quantity"] = "Greater than 0, at most 3 decimal places (whole numbers for units each and pack).",
                ["reason"] = "Required for POST /api/stock/remove: damaged, expired, theft, lost, returned_to_supplier or other (then note is required).",
                ["occurredAt"] = "When it happened on the till's clock (UTC, ISO 8601); defaults to now, at most 5 minutes ahead.",
            })),
        [typeof(BatchRequest)] = new(["lines"], "Up to 100 movements recorded all together or not at all."),
        [typeof(BatchLine)] = new(["kind", "storeId", "quantity"],
            "A movement of a batch. Name the product by productId or by sku (one of the two).",
            ProductFields(new()
            {
                ["kind"] = "stock_in, sale or removal.",
                ["quantity"] = "Greater than 0, at most 3 decimal places.",
                ["reason"] = "Required for a removal: damaged, expired, theft, lost, returned_to_supplier or other.",
            })),
        [typeof(TransferRequest)] = new(["fromStoreId", "toStoreId", "lines"], "Moves stock between two stores as one document."),
        [typeof(TransferLine)] = new(["quantity"],
            "A line of a transfer. Name the product by productId or by sku (one of the two).",
            ProductFields(new() { ["quantity"] = "Greater than 0, at most 3 decimal places." })),
        [typeof(CountRequest)] = new(["storeId", "countedQuantity"],
            "A physical count. Name the product by productId or by sku (one of the two).",
            ProductFields(new()
            {
                ["countedQuantity"] = "What was counted: 0 or more, at most 3 decimal places.",
                ["expectedOnHand"] = "Compare-and-set: the count applies only if on-hand is still this (409 otherwise).",
                ["occurredAt"] = "When the shelf was counted (now when absent); not before the shelf's last count (409 count-before-last-count).",
            })),
        [typeof(ProductRequest)] = new(["sku", "name", "category", "unit", "unitPrice"], null,
            new() { ["unit"] = $"One of: {string.Join(", ", Units.All)}." }),
        [typeof(StoreRequest)] = new(["code", "name"], null, new() { ["timezone"] = "An IANA time zone; UTC when absent." }),
        [typeof(RegisterRequest)] = new(["email", "password", "displayName"]),
        [typeof(LoginRequest)] = new(["email", "password"]),
        [typeof(RefreshRequest)] = new(["refreshToken"]),
        [typeof(ChangePasswordRequest)] = new(["currentPassword", "newPassword"], null,
            new() { ["newPassword"] = "12 to 128 characters, not a common password, not the current one." }),
        [typeof(ResetPasswordRequest)] = new(["newPassword"], "A temporary password: the user must change it at the next sign-in."),
        [typeof(UserRolesRequest)] = new(["roles"], "The complete set of roles: ADMIN, STORE_MANAGER, STAFF."),
        [typeof(UserStoresRequest)] = new(["storeIds"], "The complete set of assigned stores."),
        [typeof(UserActiveRequest)] = new(["isActive"]),
        [typeof(StockThresholdRequest)] = new(["reorderPoint"], "The store's own reorder point for the product, and optionally how much to reorder.",
            new()
            {
                ["reorderPoint"] = "0 or more, at most 3 decimal places (whole numbers for units each and pack). An alert opens at or below it.",
                ["reorderQuantity"] = "Greater than 0, at most 3 decimal places (whole numbers for units each and pack); absent: none.",
            }),
        [typeof(StockFreezeRequest)] = new(["frozenUntil"], "Movements with an occurredAt on or before frozenUntil are refused; null lifts the freeze.",
            new() { ["frozenUntil"] = "An instant, not in the future; null lifts the freeze." }, Nullable: ["frozenUntil"]),
        [typeof(DeadLetterReplayRequest)] = new(["ids"], "The dead letters to publish again to their queue: 1 to 100 ids."),
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // Only the schema of the type itself: a property of a request type has its own context.
        if (context.JsonPropertyInfo is not null || !Shapes.TryGetValue(context.JsonTypeInfo.Type, out var shape) || schema.Properties is null)
        {
            return Task.CompletedTask;
        }

        var missing = shape.Required.Where(name => !schema.Properties.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{context.JsonTypeInfo.Type.Name} has no member {string.Join(", ", missing)}: update {nameof(RequestSchemaTransformer)}.");
        }

        schema.Required = new HashSet<string>(shape.Required, StringComparer.Ordinal);
        schema.Description ??= shape.Description;
        foreach (var (name, property) in schema.Properties)
        {
            if (property is not OpenApiSchema inline)
            {
                continue;
            }

            if (shape.Required.Contains(name) && shape.Nullable?.Contains(name) != true && inline.Type is { } type)
            {
                inline.Type = type & ~JsonSchemaType.Null;
            }

            if (shape.Descriptions?.TryGetValue(name, out var description) == true)
            {
                inline.Description = description;
            }
        }

        return Task.CompletedTask;
    }

    private static Dictionary<string, string> ProductFields(Dictionary<string, string> others)
    {
        others["productId"] = ProductOrSku;
        others["sku"] = ProductOrSku;
        return others;
    }

    /// <param name="Nullable">Required members whose null means something (it must be sent, and may be null).</param>
    private sealed record RequestShape(string[] Required, string? Description = null, Dictionary<string, string>? Descriptions = null, string[]? Nullable = null);
}
