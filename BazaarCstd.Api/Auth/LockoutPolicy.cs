namespace BazaarCstd.Api.Auth;

/// <summary>
/// Sign-in lockout: the <see cref="AuthOptions.MaxFailedLogins"/>-th consecutive failure locks the
/// account for <see cref="AuthOptions.LockoutDuration"/>; the count starts again afterwards, and a
/// successful sign-in clears it.
/// </summary>
public sealed class LockoutPolicy(int maxFailures, TimeSpan duration)
{
    public sealed record State(int FailedLogins, DateTimeOffset? LockedUntil);

    public static LockoutPolicy From(AuthOptions options) => new(options.MaxFailedLogins, options.LockoutDuration);

    public bool IsLocked(State state, DateTimeOffset now) => state.LockedUntil is { } until && until > now;

    public State AfterFailure(State state, DateTimeOffset now)
    {
        var failures = state.FailedLogins + 1;
        return failures >= maxFailures ? new State(0, now + duration) : state with { FailedLogins = failures };
    }
}
