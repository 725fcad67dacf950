using Npgsql;

namespace BazaarCstd.Api.Infrastructure.Idempotency;

/// <summary>The request's key is already stored (an earlier request with it committed): nothing of this request was written.</summary>
public sealed class IdempotencyKeyTakenException(PostgresException conflict)
    : Exception("The Idempotency-Key is already stored.", conflict)
{
    /// <summary>True for this exception, also when EF Core wrapped it (a claim sent in front of a SaveChanges batch).</summary>
    public static bool IsIn(Exception ex) => ex is IdempotencyKeyTakenException || ex.InnerException is IdempotencyKeyTakenException;
}
