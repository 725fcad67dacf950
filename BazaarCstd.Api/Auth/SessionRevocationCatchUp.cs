using BazaarCstd.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BazaarCstd.Api.Auth;

/// <summary>
/// At start, before the API takes requests, raises the Redis "not before" stamp of every user whose
/// sessions were ended (<c>users.sessions_revoked_at</c>) recently enough for an access token of
/// theirs to be alive. The API writes the stamp itself when it ends sessions; this covers the
/// MigrationService, which has no Redis: when the account bootstrap replaces the admin's password,
/// the admin's access tokens stop at once too, not only their refresh tokens. A failure is logged
/// and the start goes on (those tokens then expire within <see cref="AuthOptions.AccessTokenLifetime"/>).
/// </summary>
public sealed class SessionRevocationCatchUp(
    NpgsqlDataSource database, TokenRevocation revocation, IOptions<AuthOptions> options, TimeProvider clock, ILogger<SessionRevocationCatchUp> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var lifetime = options.Value.AccessTokenLifetime;
            await using var command = database.CreateCommand("SELECT id, sessions_revoked_at FROM bazaar.users WHERE sessions_revoked_at > $1");
            command.Parameters.AddWithValue(clock.GetUtcNow() - lifetime - options.Value.ClockSkew);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var count = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                await revocation.RevokeIssuedBeforeAsync(reader.Column<Guid>("id"), reader.Column<DateTimeOffset>("sessions_revoked_at"), lifetime);
                count++;
            }

            if (count > 0)
            {
                logger.LogInformation("Raised the token stamps of {Count} user(s) whose sessions were ended recently", count);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not catch up with recently ended sessions; their access tokens expire on their own");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
