namespace BazaarCstd.Api.Infrastructure.RateLimiting;

public static class RateLimitSetup
{
    /// <summary>Limits from section <c>RateLimits</c>, counted in Redis (see <see cref="RateLimitCounter"/>).</summary>
    public static void AddBazaarRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName)
            .Validate(o => o.IsValid, "RateLimits: PermitLimit must be at least 1 and Window a whole number of seconds (at least 1).")
            .ValidateOnStart();
        builder.Services.AddSingleton<RateLimitCounter>();
    }

    /// <summary>After authentication (writes are counted per user), before authorization and the endpoints.</summary>
    public static IApplicationBuilder UseBazaarRateLimits(this IApplicationBuilder app) => app.UseMiddleware<RateLimitMiddleware>();
}
