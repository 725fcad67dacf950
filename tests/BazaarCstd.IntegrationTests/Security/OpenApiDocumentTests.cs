using System.Text.Json;
using System.Text.RegularExpressions;
using BazaarCstd.IntegrationTests.Infrastructure;
using static BazaarCstd.IntegrationTests.Security.AuthorizationMatrixTests;

namespace BazaarCstd.IntegrationTests.Security;

/// <summary>
/// The OpenAPI document an integrator reads in Scalar says what the API enforces: the bearer scheme,
/// a token on every operation the authorization matrix does not list as anonymous, 401 there, 403
/// where a role is required, and 429 on every route under /api. Checked row by row against
/// <see cref="AuthorizationMatrixTests.Matrix"/>, which is itself checked against the mapped endpoints.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed partial class OpenApiDocumentTests(BazaarAppFixture fixture)
{
    [Fact]
    public async Task The_document_declares_the_token_roles_and_rate_limits_of_every_operation()
    {
        using var http = fixture.Accounts.Anonymous();
        using var response = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;

        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        var failures = new List<string>();
        var seen = 0;
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var row = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var least = Matrix.Where(m => Normalize(m.Key) == row).Select(m => (Access?)m.Value).SingleOrDefault();
                if (least is null)
                {
                    failures.Add($"{row}: not in the authorization matrix");
                    continue;
                }

                seen++;
                var responses = operation.Value.GetProperty("responses");
                var secured = operation.Value.TryGetProperty("security", out var security)
                    && security.EnumerateArray().Any(r => r.TryGetProperty("Bearer", out _));
                Expect(failures, row, "a bearer token requirement", secured, least != Access.Anonymous);
                if (least != Access.Anonymous)
                {
                    // (Sign-in and refresh declare their own 401: wrong credentials, spent token.)
                    Expect(failures, row, "401", responses.TryGetProperty("401", out _), expected: true);
                }

                Expect(failures, row, "403", responses.TryGetProperty("403", out _), least is Access.Staff or Access.Manager or Access.Admin);
                var limited = responses.TryGetProperty("429", out var tooMany)
                    && tooMany.TryGetProperty("headers", out var headers) && headers.TryGetProperty("Retry-After", out _);
                Expect(failures, row, "429 with Retry-After", limited, path.Name.StartsWith("/api/", StringComparison.Ordinal));
            }
        }

        Assert.Empty(failures);
        // Every /api endpoint of the matrix is documented (health, OpenAPI and Scalar are not).
        Assert.Equal(Matrix.Keys.Count(k => k.Contains(" /api/", StringComparison.Ordinal)), seen);
    }

    private static void Expect(List<string> failures, string row, string what, bool present, bool expected)
    {
        if (present != expected)
        {
            failures.Add($"{row}: {what} {(expected ? "missing" : "not expected")}");
        }
    }

    /// <summary>"GET /api/products/{id:guid}" → "GET /api/products/{id}"; "POST /api/stores/" → "POST /api/stores".</summary>
    private static string Normalize(string endpoint) => RouteConstraint().Replace(endpoint, "}").TrimEnd('/');

    [GeneratedRegex(@":[a-z]+\??\}")]
    private static partial Regex RouteConstraint();
}
