using BazaarCstd.Api.Infrastructure.Idempotency;
using BazaarCstd.Api.Infrastructure.Replica;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BazaarCstd.Api.Platform;

/// <summary>
/// Documents read-your-writes (<see cref="ReplicaReadsMiddleware"/>): every successful write under
/// <c>/api</c> answers with <c>X-Consistency-Token</c>; every read takes it back as an optional
/// header, and answers 400 when it is not a token. Runs before <see cref="OpenApiContract"/>'s
/// operation transformer, which gives the 400 its problem schema.
/// </summary>
internal sealed class ConsistencyTokenTransformer : IOpenApiOperationTransformer
{
    private const string Pattern = "^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Task.CompletedTask;
        }

        var method = context.Description.HttpMethod ?? "";
        if (IdempotencyFilter.IsWrite(method))
        {
            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (status.StartsWith('2') && response is OpenApiResponse written)
                {
                    written.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    written.Headers[ConsistencyToken.HeaderName] = new OpenApiHeader
                    {
                        Description = "The primary's WAL position at or after this write's commit. Send it back on a read "
                            + "that must see this write; the reads of the same client can carry the latest one they got.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = Pattern },
                    };
                }
            }
        }
        else if (HttpMethods.IsGet(method))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = ConsistencyToken.HeaderName,
                In = ParameterLocation.Header,
                Description = "Read your own writes: the X-Consistency-Token a write answered with. The read is then served by "
                    + "the read replica once it has that write (waiting up to 1 s), otherwise by the primary. Without it, a read "
                    + "may be served by the replica a moment behind the primary.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = Pattern },
            });
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("400", OpenApiContract.Problem("The request is not valid (for instance an X-Consistency-Token that is not one)."));
        }

        return Task.CompletedTask;
    }
}
