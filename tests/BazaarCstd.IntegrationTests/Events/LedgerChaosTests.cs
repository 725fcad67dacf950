using BazaarCstd.Chaos;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Events;

/// <summary>
/// The smoke version of the kill -9 chaos run (<c>bench/chaos.sh</c>, the same <see cref="ChaosRun"/>),
/// on the chaos app: it kills an API replica (the app's only one), a Worker replica, Redis and the
/// PostgreSQL replica once each (RabbitMQ: see <see cref="ChaosOptions.Smoke"/>) while 32 tills record
/// 800 sales, transfers and counts, then
/// checks the ledger, the events, the alerts and the dead letters. Order 3 with the other crash tests
/// (it leaves every component running and healthy), before the last-admin race (it signs in as the
/// bootstrap admin, which that race demotes) and the shutdown check. Part of
/// <see cref="EventChaosTests"/> only to share its app.
/// </summary>
public sealed partial class EventChaosTests
{
    [Fact, Order(3)]
    public async Task Tills_recording_through_a_kill_9_of_every_component_leave_a_ledger_events_alerts_and_dead_letters_that_add_up()
    {
        var target = new ChaosTarget(fixture.App, fixture.Runner.DataRoot, (name, ct) => fixture.Runner.InstancesAsync(name, cancellationToken: ct));
        var report = await new ChaosRun(target, ChaosOptions.Smoke, output.WriteLine).RunAsync();

        output.WriteLine(report.Summary());
        foreach (var line in report.InvariantLines())
        {
            output.WriteLine(line);
        }

        Assert.All(ChaosOptions.Smoke.Components, component => Assert.Contains(report.Kills, kill => kill.Component == component.Name));
        Assert.True(report.Kills.All(kill => kill.Failure is null), $"a restart failed: {report.Kills.FirstOrDefault(kill => kill.Failure is not null)}");
        Assert.True(report.Passed, $"{report.Verdict}:{Environment.NewLine}{string.Join(Environment.NewLine, report.InvariantLines())}");
    }
}
