namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// The one running app shared by every test in the <see cref="BazaarAppCollection"/>: starting
/// PostgreSQL, Redis, RabbitMQ and the services once keeps the suite fast. Tests make their own data.
/// </summary>
public sealed class BazaarAppFixture : AppFixture;

[CollectionDefinition(Name)]
public sealed class BazaarAppCollection : ICollectionFixture<BazaarAppFixture>
{
    public const string Name = "bazaar-app";
}
