using System.Text.Json;

namespace BazaarCstd.Web.Services;

/// <summary>
/// Turns the API's problem responses into sentences for a store manager: never raw JSON, a type URI
/// or a stack trace.
/// </summary>
public static class ProblemText
{
    private const string Types = "https://bazaar.example/problems/";

    /// <summary>An edit sent with <c>If-Match</c> after someone else saved a newer version (412).</summary>
    public const string StaleEdit = "Someone else changed this after you opened it, so your change was not saved. Reload to see their version, then make your change again.";

    public static string Describe(ApiProblemException error)
    {
        var problem = error.Problem;
        var type = problem?.Type ?? "";
        return type switch
        {
            Types + "insufficient-stock" =>
                $"Not enough stock: {Extension(problem, "available") ?? "less"} available, {Extension(problem, "requested") ?? "more"} requested.",
            Types + "count-mismatch" =>
                $"Stock moved while you counted: expected {Extension(problem, "expectedOnHand") ?? "?"} on hand, but it is now {Extension(problem, "onHand") ?? "different"}. Check the shelf and count again.",
            Types + "validation" when problem?.Extensions.TryGetValue("errors", out var errors) == true && errors is JsonElement { ValueKind: JsonValueKind.Object } fields =>
                string.Join(" ", fields.EnumerateObject().SelectMany(f => f.Value.EnumerateArray().Select(m => $"{Field(f.Name)} {m.GetString()}"))),
            _ => error.Status switch
            {
                403 => "Your role does not allow this.",
                412 => StaleEdit,
                404 => problem?.Detail ?? "Not found, or not one of your stores.",
                429 => "Too many requests just now. Wait a few seconds and try again.",
                >= 500 => "The inventory service could not do this right now. Try again in a moment.",
                _ => problem?.Detail ?? problem?.Title ?? $"The request was refused ({error.Status}).",
            },
        };
    }

    private static string? Extension(Microsoft.AspNetCore.Mvc.ProblemDetails? problem, string name) =>
        problem?.Extensions.TryGetValue(name, out var value) == true
            ? value switch
            {
                JsonElement { ValueKind: JsonValueKind.String } s => s.GetString(),
                JsonElement { ValueKind: JsonValueKind.Number } n => n.GetDecimal().ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
                JsonElement e => e.ToString(),
                null => null,
                var other => other.ToString(),
            }
            : null;

    private static string Field(string name)
    {
        var words = string.Concat(name.Select(c => char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
