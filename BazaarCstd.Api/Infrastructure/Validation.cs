using Microsoft.AspNetCore.Http.HttpResults;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Collects field errors for one request; <see cref="ToProblem"/> renders them as an RFC 9457
/// validation problem (400, <c>errors</c> per field). Limits are those of the database columns, so a
/// request that passes here cannot fail on a column constraint.
/// </summary>
public sealed class Validation
{
    /// <summary>numeric(18,3): at most 15 integer digits; we allow well below that.</summary>
    public const decimal MaxQuantity = 1_000_000_000m;
    public const int MaxSkuLength = 64;
    public const int MaxTextLength = 500;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public Validation Required<T>(string field, T? value) where T : struct =>
        value is null ? Add(field, "is required.") : this;

    public Validation Required(string field, string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? Add(field, "is required.") : Optional(field, value, maxLength);

    public Validation Optional(string field, string? value, int maxLength) =>
        value is not null && value.Length > maxLength ? Add(field, $"must be at most {maxLength} characters.") : this;

    /// <summary>One of a fixed set of values; an absent value passes unless <paramref name="required"/>.</summary>
    public Validation OneOf(string field, string? value, IReadOnlySet<string> allowed, bool required = false) =>
        (value is null ? !required : allowed.Contains(value)) ? this : Add(field, $"must be one of: {string.Join(", ", allowed)}.");

    /// <summary>A <c>from</c>/<c>to</c> filter: <c>to</c> must not be before <c>from</c>.</summary>
    public Validation Period(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } start && to is { } end && start > end ? Add("to", "must not be before from.") : this;

    public Validation Quantity(string field, decimal? value, bool allowZero = false)
    {
        if (value is not { } q)
        {
            return Add(field, "is required.");
        }

        if (allowZero ? q < 0 : q <= 0)
        {
            return Add(field, allowZero ? "must be zero or more." : "must be greater than zero.");
        }

        if (q > MaxQuantity)
        {
            return Add(field, $"must be at most {MaxQuantity:0}.");
        }

        return decimal.Round(q, 3) != q ? Add(field, "must have at most 3 decimal places.") : this;
    }

    public Validation Product(string prefix, Guid? productId, string? sku)
    {
        if (productId is null && string.IsNullOrWhiteSpace(sku))
        {
            return Add(prefix + "productId", "productId or sku is required.");
        }

        return Optional(prefix + "sku", sku, MaxSkuLength);
    }

    public Validation OccurredAt(string field, DateTimeOffset? value, TimeProvider clock) =>
        value is { } at && at > clock.GetUtcNow().AddMinutes(5)
            ? Add(field, "must not be in the future (5 minutes of clock skew are allowed).")
            : this;

    public ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem(
            _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            title: "The request is not valid.",
            type: ProblemTypes.Validation);
}
