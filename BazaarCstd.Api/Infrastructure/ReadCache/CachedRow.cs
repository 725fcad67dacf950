namespace BazaarCstd.Api.Infrastructure.ReadCache;

/// <summary>A cached single resource with its <c>ETag</c>, or its absence (null: the endpoint's 404).</summary>
public sealed record CachedRow<T>(T? Value, string? ETag) where T : class;
