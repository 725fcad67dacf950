namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// The one running app shared by every test in the <see cref="BazaarAppCollection"/>: starting
/// PostgreSQL, Redis, RabbitMQ and the services once keeps the suite fast. Tests make their own data.
/// Every client made through <see cref="AppFixture.Accounts"/> has its traffic checked against the
/// OpenAPI document (<see cref="Traffic"/>).
/// </summary>
public sealed class BazaarAppFixture : AppFixture
{
    public BazaarAppFixture()
    {
        Traffic = new OpenApiTraffic(() => App);
        Accounts.Observe = Traffic.CreateHandler;
    }

    public OpenApiTraffic Traffic { get; }
}

[CollectionDefinition(Name)]
public sealed class BazaarAppCollection : ICollectionFixture<BazaarAppFixture>
{
    public const string Name = "bazaar-app";
}
