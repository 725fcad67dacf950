using System.Globalization;
using System.Text.Json.Nodes;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Operations;
using BazaarCstd.Contracts.Stock;

namespace BazaarCstd.Worker.Operations;

/// <summary>
/// Checks one CSV row of an import the way the API checks the same values in JSON (kinds, removal
/// reasons, quantities of at most 3 decimals, text lengths, no business time in the future), and
/// turns it into the JSON line the chunk function takes — or into the reason it is refused.
/// Store, product, stock and scope are the ledger's to judge. Empty cells are absent values.
/// </summary>
public static class ImportRowParser
{
    private const decimal MaxQuantity = 1_000_000_000m;
    private const int MaxTextLength = 500;

    public static (JsonObject? Line, string? Reason) Movement(int line, string[] fields, DateTimeOffset now)
    {
        if (fields.Length != ImportFiles.MovementColumns.Count)
        {
            return (null, $"expected {ImportFiles.MovementColumns.Count} fields, found {fields.Length}");
        }

        var (storeCode, sku, kind, quantityText, reason, reference, note, occurredText) =
            (Cell(fields[0]), Cell(fields[1]), Cell(fields[2]), Cell(fields[3]), Cell(fields[4]), Cell(fields[5]), Cell(fields[6]), Cell(fields[7]));
        if (storeCode is null || storeCode.Length > 32)
        {
            return (null, storeCode is null ? "storeCode is required" : "storeCode is longer than 32 characters");
        }

        if (sku is null || sku.Length > 64)
        {
            return (null, sku is null ? "sku is required" : "sku is longer than 64 characters");
        }

        if (kind is null || !MovementKinds.Batchable.Contains(kind))
        {
            return (null, $"kind must be stock_in, sale or removal{(kind is null ? "" : $", not '{kind}'")}");
        }

        if (QuantityProblem("quantity", quantityText, allowZero: false, out var quantity) is { } bad)
        {
            return (null, bad);
        }

        if (kind == MovementKinds.Removal)
        {
            if (reason is null || !RemovalReasons.All.Contains(reason))
            {
                return (null, $"a removal's reason must be one of {string.Join(", ", RemovalReasons.All)}");
            }

            if (reason == RemovalReasons.Other && note is null)
            {
                return (null, "a removal for reason 'other' needs a note");
            }
        }
        else if (reason is { Length: > 100 })
        {
            return (null, "reason is longer than 100 characters");
        }

        if (reference is { Length: > MaxTextLength } || note is { Length: > MaxTextLength })
        {
            return (null, $"reference and note take at most {MaxTextLength} characters");
        }

        DateTimeOffset? occurredAt = null;
        if (occurredText is not null)
        {
            if (!DateTimeOffset.TryParse(occurredText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                return (null, $"occurredAt '{occurredText}' is not a date and time in ISO 8601 (e.g. 2026-11-25T08:00:00Z)");
            }

            if (at > now.AddMinutes(5))
            {
                return (null, "occurredAt must not be in the future");
            }

            occurredAt = at;
        }

        return (new JsonObject
        {
            ["line"] = line,
            ["storeCode"] = storeCode,
            ["sku"] = sku,
            ["kind"] = kind,
            ["quantity"] = quantity,
            ["reason"] = reason,
            ["reference"] = reference,
            ["note"] = note,
            ["occurredAt"] = occurredAt,
        }, null);
    }

    public static (JsonObject? Line, string? Reason) Product(int line, string[] fields)
    {
        if (fields.Length != ImportFiles.ProductColumns.Count)
        {
            return (null, $"expected {ImportFiles.ProductColumns.Count} fields, found {fields.Length}");
        }

        var (sku, name, category, unit, priceText, barcode, reorderText) =
            (Cell(fields[0]), Cell(fields[1]), Cell(fields[2]), Cell(fields[3]), Cell(fields[4]), Cell(fields[5]), Cell(fields[6]));
        string? missing = sku is null ? "sku" : name is null ? "name" : category is null ? "category" : unit is null ? "unit" : priceText is null ? "unitPrice" : null;
        if (missing is not null)
        {
            return (null, $"{missing} is required");
        }

        if (sku!.Length > 64 || name!.Length > 200 || category!.Length > 100 || barcode is { Length: > 64 })
        {
            return (null, "a value is too long (sku 64, name 200, category 100, barcode 64 characters)");
        }

        if (!Units.All.Contains(unit!))
        {
            return (null, $"unit must be one of {string.Join(", ", Units.All)}");
        }

        if (!decimal.TryParse(priceText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price)
            || price > 9_999_999_999.99m || decimal.Round(price, 2) != price)
        {
            return (null, $"unitPrice must be 0 or more with at most 2 decimals, not '{priceText}'");
        }

        decimal? reorderPoint = null;
        if (reorderText is not null)
        {
            if (QuantityProblem("reorderPoint", reorderText, allowZero: true, out var point) is { } bad)
            {
                return (null, bad);
            }

            if (Units.IsWhole(unit!) && point != decimal.Truncate(point))
            {
                return (null, $"reorderPoint must be a whole number for unit {unit}");
            }

            reorderPoint = point;
        }

        return (new JsonObject
        {
            ["line"] = line,
            ["sku"] = sku,
            ["name"] = name,
            ["category"] = category,
            ["unit"] = unit,
            ["unitPrice"] = price,
            ["barcode"] = barcode,
            ["reorderPoint"] = reorderPoint,
        }, null);
    }

    private static string? Cell(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? QuantityProblem(string field, string? text, bool allowZero, out decimal value)
    {
        value = 0;
        if (text is null)
        {
            return $"{field} is required";
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            || (allowZero ? value < 0 : value <= 0) || value > MaxQuantity || decimal.Round(value, 3) != value)
        {
            return $"{field} must be a number {(allowZero ? "of 0 or more" : "greater than 0")} with at most 3 decimals, not '{text}'";
        }

        return null;
    }
}
