namespace BazaarCstd.Api.Infrastructure.RateLimiting;

/// <summary>At most <see cref="PermitLimit"/> requests per <see cref="Window"/> (whole seconds).</summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }

    internal bool IsValid => PermitLimit >= 1 && Window >= TimeSpan.FromSeconds(1) && Window.Ticks % TimeSpan.TicksPerSecond == 0;
}
