namespace BazaarCstd.Api.Infrastructure.Idempotency;

public static class IdempotencyExtensions
{
    /// <summary>Lets the filter read the request body again after model binding consumed it.</summary>
    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (IdempotencyFilter.IsWrite(http.Request.Method) && http.Request.Headers.ContainsKey(IdempotencyFilter.HeaderName))
        {
            http.Request.EnableBuffering();
        }

        return next(http);
    });

    /// <summary>Applies <see cref="IdempotencyFilter"/> to every write endpoint in the group.</summary>
    public static RouteGroupBuilder WithIdempotencyKeys(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<IdempotencyFilter>();
        return group;
    }
}
