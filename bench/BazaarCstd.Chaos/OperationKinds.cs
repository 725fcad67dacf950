namespace BazaarCstd.Chaos;

/// <summary>The operations a till records, and the API path of each.</summary>
public static class OperationKinds
{
    public const string Sale = "sale";
    public const string Transfer = "transfer";
    public const string Count = "count";

    public static string PathOf(string kind) => kind switch
    {
        Sale => "/api/stock/sale",
        Transfer => "/api/stock/transfer",
        Count => "/api/stock/count",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown operation"),
    };
}
