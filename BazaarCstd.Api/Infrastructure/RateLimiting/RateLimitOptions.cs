namespace BazaarCstd.Api.Infrastructure.RateLimiting;

/// <summary>
/// Section <c>RateLimits</c>. The AppHost forwards its own <c>Bazaar:RateLimits</c> section here,
/// so every replica gets the same limits.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>POST/PUT/PATCH/DELETE under <c>/api</c> by a signed-in user, counted per user.</summary>
    public RateLimitRule Writes { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// Other requests (GET, HEAD…) under <c>/api</c> by a signed-in user, counted per user, apart from
    /// writes: a till that sells all day still reads, and a script paging the audit log or the
    /// ledger in a tight loop cannot starve the database for everyone else.
    /// </summary>
    public RateLimitRule Reads { get; set; } = new() { PermitLimit = 3000, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Every request under <c>/api/auth</c>, counted per client IP address.</summary>
    public RateLimitRule Auth { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// After Redis fails, requests skip the limiter for this long before it asks Redis again, so a
    /// dead or hung Redis costs one failed call per pause rather than one per request.
    /// </summary>
    public TimeSpan FailOpenPause { get; set; } = TimeSpan.FromSeconds(5);

    internal bool IsValid => Writes.IsValid && Reads.IsValid && Auth.IsValid && FailOpenPause >= TimeSpan.Zero;
}
