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
/// And what a generated client relies on: an id, a summary and a tag on every operation, errors as
/// problem documents, and request schemas that do not demand both productId and sku. (The lint and
/// the check of real traffic against the document: <see cref="OpenApiContractTests"/>.)
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

                Expect(failures, row, "403", responses.TryGetProperty("403", out _),
                    least is Access.Staff or Access.Manager or Access.Admin || AnonymousForbidden.Contains(row));
                var limited = responses.TryGetProperty("429", out var tooMany)
                    && tooMany.TryGetProperty("headers", out var headers) && headers.TryGetProperty("Retry-After", out _);
                Expect(failures, row, "429 with Retry-After", limited, path.Name.StartsWith("/api/", StringComparison.Ordinal));
            }
        }

        Assert.Empty(failures);
        // Every /api endpoint of the matrix is documented (health, OpenAPI and Scalar are not).
        Assert.Equal(Matrix.Keys.Count(k => k.Contains(" /api/", StringComparison.Ordinal)), seen);
    }

    [Fact]
    public async Task Every_operation_has_an_id_summary_tag_security_and_problem_typed_errors()
    {
        using var http = fixture.Accounts.Anonymous();
        using var document = JsonDocument.Parse(await http.GetStringAsync(OpenApiTraffic.DocumentPath));
        var root = document.RootElement;
        var failures = new List<string>();

        foreach (var server in root.GetProperty("servers").EnumerateArray())
        {
            var url = server.GetProperty("url").GetString()!;
            if (url.EndsWith('/'))
            {
                failures.Add($"server {url}: trailing slash");
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var row = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var op = operation.Value;
                if (!op.TryGetProperty("operationId", out var id) || !ids.Add(id.GetString()!))
                {
                    failures.Add($"{row}: no operationId, or a repeated one");
                }

                if (!op.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
                {
                    failures.Add($"{row}: no summary");
                }

                if (!op.TryGetProperty("tags", out var tags) || tags.GetArrayLength() == 0)
                {
                    failures.Add($"{row}: no tag");
                }

                if (!op.TryGetProperty("security", out _))
                {
                    failures.Add($"{row}: no security requirement (not even an explicit none)");
                }

                foreach (var response in op.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
                {
                    var typed = response.Value.TryGetProperty("content", out var content)
                        && content.TryGetProperty("application/problem+json", out var media)
                        && media.TryGetProperty("schema", out _)
                        && content.EnumerateObject().Count() == 1;
                    if (!typed)
                    {
                        failures.Add($"{row} {response.Name}: not (only) application/problem+json with a schema");
                    }
                }
            }
        }

        // A product is named by productId or by sku: neither may be required on its own.
        var schemas = root.GetProperty("components").GetProperty("schemas");
        foreach (var name in new[] { "MovementRequest", "BatchLine", "TransferLine", "CountRequest" })
        {
            var required = schemas.GetProperty(name).TryGetProperty("required", out var list)
                ? list.EnumerateArray().Select(r => r.GetString()).ToList()
                : [];
            if (required.Contains("productId") || required.Contains("sku"))
            {
                failures.Add($"{name}: requires {string.Join(", ", required)}; the API wants productId or sku");
            }

            var described = schemas.GetProperty(name).GetProperty("properties").GetProperty("sku").TryGetProperty("description", out var description)
                && description.GetString()?.Contains("productId", StringComparison.Ordinal) == true;
            if (!described)
            {
                failures.Add($"{name}.sku: the description does not say productId or sku");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// Anonymous operations that answer 403 for a reason other than a role: registration switched off
    /// (<c>registration-closed</c>) and a sign-in with a password an admin reset (<c>password-change-required</c>).
    /// </summary>
    private static readonly HashSet<string> AnonymousForbidden = ["POST /api/auth/register", "POST /api/auth/login"];

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
