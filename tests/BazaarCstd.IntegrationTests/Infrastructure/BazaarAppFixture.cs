namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// The one running app shared by every test in the <see cref="BazaarAppCollection"/>: starting
/// PostgreSQL, Redis, RabbitMQ and the services once keeps the suite fast. Tests make their own data.
/// Every client made through <see cref="AppFixture.Accounts"/> has its traffic checked against the
/// OpenAPI document (<see cref="Traffic"/>).
/// </summary>
public sealed class BazaarAppFixture : AppFixture
{
    /// <summary>
    /// Two Worker replicas, as in production: one active outbox relay and one ready to take over
    /// (the other test apps run one, to keep the processes on two cores down). The only app whose
    /// services write their spans to their consoles, for <c>CleanStartTests</c>.
    /// </summary>
    public BazaarAppFixture()
        : base(new Dictionary<string, string> { ["Bazaar:WorkerReplicas"] = "2" }, configure: AppHostRunner.WriteSpansToConsole)
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
