namespace BazaarCstd.Api.Infrastructure.RateLimiting;

/// <summary>A partition's fixed window after this request: how many were counted and when it resets.</summary>
public sealed record RateLimitWindow(RateLimitRule Rule, long Count, TimeSpan ResetsIn)
{
    public bool Exceeded => Count > Rule.PermitLimit;

    public long Remaining => Math.Max(0, Rule.PermitLimit - Count);

    /// <summary>Whole seconds until the window resets, at least 1 (what Retry-After and <c>reset</c> carry).</summary>
    public long ResetSeconds => Math.Max(1, (long)Math.Ceiling(ResetsIn.TotalSeconds));
}
