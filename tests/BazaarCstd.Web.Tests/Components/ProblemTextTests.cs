using System.Text.Json;
using BazaarCstd.Web.Services;
using Microsoft.AspNetCore.Mvc;

namespace BazaarCstd.Web.Tests.Components;

/// <summary>Problem responses read as sentences, never as JSON or type URIs.</summary>
public sealed class ProblemTextTests
{
    [Fact]
    public void Insufficient_stock_says_what_is_available() =>
        Assert.Equal("Not enough stock: 2.5 available, 4 requested.",
            ProblemText.Describe(Problem(409, "insufficient-stock", """{"available": 2.5, "requested": 4}""")));

    [Fact]
    public void A_stale_count_says_the_stock_moved() =>
        Assert.StartsWith("Stock moved while you counted: expected 6 on hand, but it is now 4.",
            ProblemText.Describe(Problem(409, "count-mismatch", """{"expectedOnHand": 6, "onHand": 4}""")));

    [Fact]
    public void Validation_errors_name_their_fields() =>
        Assert.Equal("Quantity must be greater than 0.",
            ProblemText.Describe(Problem(400, "validation", """{"errors": {"quantity": ["must be greater than 0."]}}""")));

    [Theory]
    [InlineData(403, "Your role does not allow this.")]
    [InlineData(429, "Too many requests just now. Wait a few seconds and try again.")]
    [InlineData(503, "The inventory service could not do this right now. Try again in a moment.")]
    public void Statuses_without_a_specific_type_get_a_plain_sentence(int status, string expected) =>
        Assert.Equal(expected, ProblemText.Describe(new ApiProblemException(status, null)));

    private static ApiProblemException Problem(int status, string type, string extensions)
    {
        var problem = new ProblemDetails { Status = status, Type = "https://bazaar.example/problems/" + type, Title = "t" };
        foreach (var property in JsonDocument.Parse(extensions).RootElement.EnumerateObject())
        {
            problem.Extensions[property.Name] = property.Value.Clone();
        }

        return new ApiProblemException(status, problem);
    }
}
