namespace BazaarCstd.Api.Infrastructure.Idempotency;

/// <summary>
/// Marks endpoints whose responses must not be stored (sign-in answers carry tokens) and which
/// need no replay protection: they ignore <c>Idempotency-Key</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class IdempotencyExemptAttribute : Attribute;
