using BazaarCstd.Api.Auth;
using BazaarCstd.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BazaarCstd.Api.Platform;

public static class SystemEndpoints
{
    public static IEndpointRouteBuilder MapSystem(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/system").WithTags("System").RequireAuthorization(Roles.Policies.Admin);

        group.MapGet("/info", GetInfo)
            .WithName("GetSystemInfo")
            .WithSummary("Version of the service, whether the primary database answers, and the replica's lag.");

        return api;
    }

    internal static async Task<Ok<SystemInfo>> GetInfo(SystemInfoProbe probe, CancellationToken cancellationToken) =>
        TypedResults.Ok(await probe.ProbeAsync(cancellationToken));
}
