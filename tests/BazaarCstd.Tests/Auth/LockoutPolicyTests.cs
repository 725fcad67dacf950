using BazaarCstd.Api.Auth;
using Microsoft.Extensions.Time.Testing;

namespace BazaarCstd.Tests.Auth;

public sealed class LockoutPolicyTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly LockoutPolicy _policy = LockoutPolicy.From(new AuthOptions());

    [Fact]
    public void The_fifth_failure_locks_for_fifteen_minutes_and_then_the_count_starts_again()
    {
        var state = new LockoutPolicy.State(0, null);
        for (var i = 1; i <= 4; i++)
        {
            state = _policy.AfterFailure(state, _clock.GetUtcNow());
            Assert.False(_policy.IsLocked(state, _clock.GetUtcNow()), $"locked after {i} failures");
        }

        state = _policy.AfterFailure(state, _clock.GetUtcNow());
        Assert.True(_policy.IsLocked(state, _clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.True(_policy.IsLocked(state, _clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(_policy.IsLocked(state, _clock.GetUtcNow()));

        // A fresh run of failures is needed to lock again.
        state = _policy.AfterFailure(state, _clock.GetUtcNow());
        Assert.Equal(1, state.FailedLogins);
        Assert.False(_policy.IsLocked(state, _clock.GetUtcNow()));
    }
}
