namespace BazaarCstd.Api.Auth;

/// <summary>
/// Growing delays after failed sign-ins, for one throttle key (an email at a client address, or an
/// address): the first <see cref="FreeFailures"/> failures cost nothing; after that, the next
/// attempt must wait <see cref="FirstDelay"/>, doubling with each further failure up to
/// <see cref="MaxDelay"/>. A key is forgotten <see cref="Memory"/> after its last failure.
/// No key is ever locked: the delay only slows whoever is failing, from where they are failing.
/// </summary>
public sealed class SignInThrottlePolicy
{
    public int FreeFailures { get; set; } = 5;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan Memory { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the next attempt must wait after <paramref name="failures"/> failures, counted from the last one.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        if (failures < FreeFailures)
        {
            return TimeSpan.Zero;
        }

        // 2^k overflows long before the cap matters; stop doubling once past it.
        var delay = FirstDelay;
        for (var i = FreeFailures; i < failures && delay < MaxDelay; i++)
        {
            delay *= 2;
        }

        return delay < MaxDelay ? delay : MaxDelay;
    }

    /// <summary>
    /// The delays in milliseconds after 1, 2, … failures up to the first that reaches the cap (the
    /// last entry holds for every count beyond): what the Redis script looks the wait up in.
    /// </summary>
    public long[] Schedule()
    {
        var schedule = new List<long>();
        for (var failures = 1; ; failures++)
        {
            var delay = DelayAfter(failures);
            schedule.Add((long)delay.TotalMilliseconds);
            if (delay >= MaxDelay || failures > 64)
            {
                return [.. schedule];
            }
        }
    }
}
