namespace BazaarCstd.Web.Services;

/// <summary>A resource as the API sent it, with its <c>ETag</c>: sent back in <c>If-Match</c>, it makes an edit refuse to overwrite a newer change.</summary>
public sealed record Versioned<T>(T Value, string? ETag);
