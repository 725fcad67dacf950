namespace BazaarCstd.Contracts.Stock;

/// <summary>Why stock left other than by a sale. <c>other</c> needs a note saying what happened.</summary>
public static class RemovalReasons
{
    public const string Damaged = "damaged";
    public const string Expired = "expired";
    public const string Theft = "theft";
    public const string Lost = "lost";
    public const string ReturnedToSupplier = "returned_to_supplier";
    public const string Other = "other";

    public static readonly IReadOnlySet<string> All =
        new HashSet<string>(StringComparer.Ordinal) { Damaged, Expired, Theft, Lost, ReturnedToSupplier, Other };
}
