using BazaarCstd.Api.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BazaarCstd.Api.Platform;

/// <summary>
/// Makes the OpenAPI document say what the API enforces, so an integrator reading Scalar (or a
/// generated client) knows which calls need a token and which answers to expect: the bearer scheme
/// once, a security requirement on every operation that is not anonymous, <c>401</c> on those,
/// <c>403</c> where a role policy applies, and <c>429</c> (with <c>Retry-After</c>) on every route
/// under <c>/api</c>, which the rate limits cover (see <c>Infrastructure/RateLimiting</c>).
/// The answers come from the endpoints' own metadata, not from a list kept by hand.
/// </summary>
internal static class OpenApiSecurity
{
    public const string SchemeName = "Bearer";

    public static void AddBazaarSecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The accessToken from POST /api/auth/login (or /api/auth/refresh); valid for 15 minutes.",
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            operation.Responses ??= new OpenApiResponses();
            if (!metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [],
                });
                operation.Responses.TryAdd("401", Problem("No valid access token: missing, expired, forged or signed out."));
                if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is Roles.Policies.Staff or Roles.Policies.Manager or Roles.Policies.Admin))
                {
                    operation.Responses.TryAdd("403", Problem("The caller's role may not do this."));
                }
            }
            else
            {
                // Said explicitly (an empty list), so a client and a linter know no token is needed.
                operation.Security = [];
            }

            if (context.Description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true)
            {
                operation.Responses.TryAdd("429", OpenApiContract.RetryLater(
                    "Over the rate limit; retry after Retry-After seconds.", "Seconds until the window resets."));
            }

            return Task.CompletedTask;
        });
    }

    private static OpenApiResponse Problem(string description) => OpenApiContract.Problem(description);
}
