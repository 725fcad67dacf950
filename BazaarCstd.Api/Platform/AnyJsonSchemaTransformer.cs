using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BazaarCstd.Api.Platform;

/// <summary>
/// A nullable <see cref="System.Text.Json.JsonElement"/> member (the row images of an audit entry)
/// comes out as <c>oneOf: [{type: null}, {$ref: JsonElement}]</c>, and the JsonElement schema is
/// <c>{}</c>, which null matches too: a null matches both branches, so every insert's <c>old</c> and
/// every delete's <c>new</c> failed the document (found by the tests' traffic check). Any JSON value,
/// null included, is the JsonElement schema alone. (A document transformer: the generator adds the
/// null branch after the schema transformers have run.)
/// </summary>
internal sealed class AnyJsonSchemaTransformer : IOpenApiDocumentTransformer
{
    private const string AnyJson = "JsonElement";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var schema in document.Components?.Schemas?.Values ?? [])
        {
            foreach (var (name, property) in schema.Properties?.ToList() ?? [])
            {
                if (property is OpenApiSchema { OneOf: { Count: 2 } branches }
                    && branches.Any(b => b is OpenApiSchema { Type: JsonSchemaType.Null })
                    && branches.Any(b => b is OpenApiSchemaReference { Reference.Id: AnyJson }))
                {
                    schema.Properties![name] = new OpenApiSchemaReference(AnyJson, document) { Description = "Any JSON value, or null." };
                }
            }
        }

        return Task.CompletedTask;
    }
}
