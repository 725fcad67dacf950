using System.Data.Common;
using BazaarCstd.Api.Infrastructure.Idempotency;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// Lets EF Core's commands follow the request's <see cref="WriteSession"/>: a keyed request's claim
/// goes in front of its first command, and the audit context in front of every <c>SaveChanges</c>
/// batch and bulk update (<see cref="WriteSession.Prefix"/>). A claim that lost to an earlier request
/// surfaces as <see cref="IdempotencyKeyTakenException"/>, as it does for Npgsql commands, so no
/// handler mistakes it for a unique violation of its own.
/// </summary>
public sealed class WriteSessionInterceptor(WriteSession session) : DbCommandInterceptor
{
    private static bool IsWrite(CommandEventData e) =>
        e.CommandSource is CommandSource.SaveChanges or CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete;

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        session.Prefix(command, IsWrite(eventData));
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        session.Prefix(command, IsWrite(eventData));
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        session.Prefix(command, IsWrite(eventData));
        return ValueTask.FromResult(result);
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default) =>
        eventData.Exception is PostgresException conflict && IdempotencyKeys.IsClaimConflict(conflict)
            ? throw new IdempotencyKeyTakenException(conflict)
            : Task.CompletedTask;
}
