namespace BazaarCstd.Api.Stock;

/// <summary>Why stock left other than by a sale. <c>other</c> needs a note saying what happened.</summary>
public static class RemovalReasons
{
    public const string Other = "other";

    public static readonly IReadOnlySet<string> All =
        new HashSet<string>(StringComparer.Ordinal) { "damaged", "expired", "theft", "lost", "returned_to_supplier", Other };
}
