namespace BazaarCstd.Contracts.Stores;

/// <summary>Body of <c>POST /api/stores</c> and <c>PUT /api/stores/{id}</c>.</summary>
public sealed record StoreRequest(string? Code, string? Name, string? Timezone = null, string? Address = null);
