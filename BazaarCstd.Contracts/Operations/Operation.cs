namespace BazaarCstd.Contracts.Operations;

/// <summary>
/// An asynchronous operation (a CSV import): what <c>GET /api/operations/{id}</c> answers and the
/// <c>202 Accepted</c> of an upload carries. <see cref="RowsDone"/> counts lines handled so far,
/// applied or refused; <see cref="RowsFailed"/> those refused (their reasons are under
/// <c>/api/operations/{id}/errors</c>). An atomic operation that failed wrote none of its lines.
/// </summary>
public sealed record Operation(
    Guid Id,
    string Kind,
    string Status,
    bool Atomic,
    int RowsTotal,
    int RowsDone,
    int RowsFailed,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);
