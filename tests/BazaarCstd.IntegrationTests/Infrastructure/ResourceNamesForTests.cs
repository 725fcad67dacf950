using BazaarCstd.Contracts;

namespace BazaarCstd.IntegrationTests.Infrastructure;

internal static class ResourceNamesForTests
{
    public const string Migrations = ResourceNames.Migrations;

    public const string Api = ResourceNames.Api;

    public const string Worker = ResourceNames.Worker;

    public const string Postgres = ResourceNames.Postgres;

    /// <summary>Resources with a health check: each must report Healthy before tests run.</summary>
    public static readonly string[] Healthy =
    [
        ResourceNames.BazaarDb,
        ResourceNames.BazaarDbReadOnly,
        ResourceNames.Cache,
        ResourceNames.Messaging,
        ResourceNames.Api,
        ResourceNames.Worker,
        ResourceNames.Web,
    ];
}
