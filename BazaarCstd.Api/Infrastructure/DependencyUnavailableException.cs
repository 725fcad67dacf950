namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// A service the request needs (RabbitMQ) did not do its part, so nothing was done: a 503 with
/// <c>Retry-After</c> (<see cref="ProblemExceptionHandler"/>). Not a <see cref="DomainException"/>
/// on purpose: the idempotency filter does not store it, so the transaction rolls back whole and an
/// <c>Idempotency-Key</c> stays free for the retry.
/// </summary>
public sealed class DependencyUnavailableException(string type, string title, string detail, Exception? inner = null)
    : Exception(detail, inner)
{
    public string Type { get; } = type;

    public string Title { get; } = title;
}
