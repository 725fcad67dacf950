using System.Text.Json;

namespace BazaarCstd.Contracts.Audit;

/// <summary>
/// One row change, written by the database in the same transaction as the change. <see cref="Old"/>
/// and <see cref="New"/> are the row before and after (null for an insert and a delete respectively);
/// secrets such as password hashes read <c>"redacted"</c>. <see cref="ActorId"/> is the signed-in
/// user and <see cref="RequestId"/> the request's <c>X-Request-Id</c>, when the change came through
/// the API; <see cref="DatabaseUser"/> is the database login that made it.
/// </summary>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string Table,
    string Operation,
    string RowKey,
    JsonElement? Old,
    JsonElement? New,
    Guid? ActorId,
    string? RequestId,
    string DatabaseUser);
