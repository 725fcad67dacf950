namespace BazaarCstd.Api.Infrastructure;

/// <summary>
/// A transaction <see cref="WriteSession.BeginTransactionAsync"/> opened: committed by
/// <see cref="CommitAsync"/>, rolled back when disposed without it. For a keyed request it is the
/// key's transaction, which the idempotency filter commits with the stored response.
/// </summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private WriteSession? _session;

    internal WriteTransaction(WriteSession? session) => _session = session;

    public async Task CommitAsync()
    {
        if (_session is { } session)
        {
            _session = null;
            await session.EndOwnTransactionAsync(commit: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is { } session)
        {
            _session = null;
            await session.EndOwnTransactionAsync(commit: false);
        }
    }
}
