using BazaarCstd.Api.Auth;

namespace BazaarCstd.Tests.Auth;

public sealed class SignInThrottlePolicyTests
{
    private readonly SignInThrottlePolicy _policy = new AuthOptions().AccountAtAddress;

    [Fact]
    public void The_first_four_failures_cost_nothing_then_each_doubles_the_wait()
    {
        Assert.All(Enumerable.Range(0, 5), n => Assert.Equal(TimeSpan.Zero, _policy.DelayAfter(n)));
        Assert.Equal(TimeSpan.FromSeconds(1), _policy.DelayAfter(5));
        Assert.Equal(TimeSpan.FromSeconds(2), _policy.DelayAfter(6));
        Assert.Equal(TimeSpan.FromSeconds(4), _policy.DelayAfter(7));
        Assert.Equal(TimeSpan.FromSeconds(512), _policy.DelayAfter(14));
    }

    [Fact]
    public void The_wait_stops_growing_at_fifteen_minutes_and_never_locks()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), _policy.DelayAfter(15));
        Assert.Equal(TimeSpan.FromMinutes(15), _policy.DelayAfter(int.MaxValue));
    }

    [Fact]
    public void The_schedule_the_redis_script_reads_matches_the_policy_and_ends_at_the_cap()
    {
        var schedule = _policy.Schedule();

        Assert.Equal(15, schedule.Length);
        for (var failures = 1; failures <= schedule.Length; failures++)
        {
            Assert.Equal((long)_policy.DelayAfter(failures).TotalMilliseconds, schedule[failures - 1]);
        }

        Assert.Equal((long)TimeSpan.FromMinutes(15).TotalMilliseconds, schedule[^1]);
    }

    [Fact]
    public void An_address_gets_more_free_failures_than_one_email_at_it()
    {
        var address = new AuthOptions().Address;

        Assert.Equal(TimeSpan.Zero, address.DelayAfter(19));
        Assert.Equal(TimeSpan.FromSeconds(1), address.DelayAfter(20));
    }
}
