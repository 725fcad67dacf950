using System.Security.Cryptography;
using System.Text;

namespace BazaarCstd.Api.Infrastructure.ReadCache;

/// <summary>
/// Cache keys and tags, in one place. A key names everything the value depends on and nothing
/// about who asked, except where the answer itself depends on it (the store list: the caller's
/// stores, as a hash of the set). Free text in a key is escaped, so no two queries share one.
/// </summary>
public static class ReadCacheKeys
{
    /// <summary>Every product and product list.</summary>
    public const string ProductsTag = "products";

    /// <summary>Every store and store list.</summary>
    public const string StoresTag = "stores";

    /// <summary>Every stock page (they show product and store fields).</summary>
    public const string StockTag = "stock";

    /// <summary>The stock pages of one store.</summary>
    public static string StoreStockTag(Guid storeId) => $"stock:{storeId:N}";

    public static string Product(Guid id) => $"product:{id:N}";

    public static string ProductList(string? category, string? q, bool? includeArchived, string? cursor, int? limit) =>
        $"products:{includeArchived is true}:{Text(category)}:{Text(q)}:{Text(cursor)}:{limit}";

    public static string Store(Guid id) => $"store:{id:N}";

    public static string StoreList(StoreScope scope, string? cursor, int? limit) => $"stores:{Scope(scope)}:{Text(cursor)}:{limit}";

    public static string StockPage(Guid storeId, Guid? productId, string? sku, string? category, bool? lowStock, string? cursor, int? limit) =>
        $"stock:{storeId:N}:{productId:N}:{Text(sku?.ToLowerInvariant())}:{Text(category)}:{lowStock is true}:{Text(cursor)}:{limit}";

    private static string Text(string? value) => value is null ? "-" : "=" + Uri.EscapeDataString(value);

    private static string Scope(StoreScope scope) => scope.Stores is not { } stores
        ? "all"
        : Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join(',', stores.Order().Select(s => s.ToString("N"))))));
}
