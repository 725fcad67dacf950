using System.Reflection;
using System.Net.Http.Json;
using BazaarCstd.Contracts;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Foundation;

[Collection(BazaarAppCollection.Name)]
public sealed class ResourceGraphTests(BazaarAppFixture fixture)
{
    [Fact]
    public void The_whole_app_became_healthy_within_60_seconds()
    {
        // The fixture waited for every health-checked resource and for the migrations to finish.
        Assert.True(fixture.StartupTime < TimeSpan.FromSeconds(60), $"Startup took {fixture.StartupTime.TotalSeconds:0.0} s.");
    }

    [Fact]
    public void Migrations_ran_to_completion_with_exit_code_0()
    {
        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(ResourceNames.Migrations, out var migrations));
        Assert.Equal(KnownResourceStates.Finished, migrations.Snapshot.State?.Text);
        Assert.Equal(0, migrations.Snapshot.ExitCode);
    }

    [Theory]
    [InlineData(ResourceNames.Postgres)]
    [InlineData(ResourceNames.PostgresReplica)]
    [InlineData(ResourceNames.Cache)]
    [InlineData(ResourceNames.Messaging)]
    [InlineData(ResourceNames.Api)]
    [InlineData(ResourceNames.Worker)]
    [InlineData(ResourceNames.Web)]
    public async Task Every_long_running_resource_is_running(string resource)
    {
        // Every replica: the API runs as two by default (Bazaar:ApiReplicas).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var instances = await fixture.Runner.InstancesAsync(resource, cancellationToken: timeout.Token);
        Assert.NotEmpty(instances);
        foreach (var instance in instances)
        {
            Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(instance, out var state), $"{instance} is unknown.");
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
        }
    }

    [Theory]
    [InlineData(ResourceNames.Api, "BazaarCstd.Api")]
    [InlineData(ResourceNames.Worker, "BazaarCstd.Worker")]
    [InlineData(ResourceNames.Web, "BazaarCstd.Web")]
    public async Task Every_service_replica_is_its_built_executable_with_no_sdk_process_beside_it(string resource, string project)
    {
        // What DCP started for each replica is the service itself, from the build the AppHost ran
        // with, not `dotnet run` (an MSBuild evaluation and a second process per service).
        var configuration = typeof(ResourceGraphTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var instance in await fixture.Runner.InstancesAsync(resource, cancellationToken: timeout.Token))
        {
            Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(instance, out var state), $"{instance} is unknown.");
            var tree = LocalProcess.TreeOf(InstanceStates.ProcessId(state));
            var started = Assert.Single(tree);
            Assert.EndsWith($"/{project}/bin/{configuration}/net10.0/{project}", started.CommandLine.Split(' ')[0]);
        }
    }

    [Theory]
    [InlineData(ResourceNames.Api)]
    [InlineData(ResourceNames.Web)]
    public async Task Health_endpoint_answers_200(string resource)
    {
        using var http = fixture.App.CreateHttpClient(resource);
        using var response = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task System_info_reports_the_primary_and_a_streaming_replica()
    {
        using var http = fixture.CreateApiClient();
        var info = await http.GetFromJsonAsync<SystemInfo>("/api/system/info");

        Assert.NotNull(info);
        Assert.True(info.Primary.Reachable, info.Primary.Error);
        Assert.StartsWith("15.", info.Primary.ServerVersion);
        Assert.True(info.Replica.Reachable, info.Replica.Error);
        Assert.True(info.Replica.InRecovery);
        Assert.NotNull(info.Replica.LagBytes);
        Assert.InRange(info.Replica.LagBytes!.Value, 0, 64L * 1024 * 1024);
    }

    [Fact]
    public async Task Web_home_page_shows_the_api_health()
    {
        using var http = fixture.App.CreateHttpClient(ResourceNames.Web);

        // The page asks the API for at most 2 s (a hint, not a gate); a replica's very first /health,
        // warming up while other tests run, may take longer, and then the page says so. Ask again.
        var html = await Eventually.ReturnsAsync(async () =>
        {
            var page = await http.GetStringAsync("/");
            return page.Contains("data-testid=\"api-health\">healthy<", StringComparison.Ordinal) ? page : null;
        }, TimeSpan.FromSeconds(30), "the Web page to show the API as healthy");

        Assert.Contains("data-testid=\"api-health\"", html);
        Assert.Contains("healthy", html);
        Assert.DoesNotContain("unavailable", html);
    }

    [Fact]
    public async Task Unknown_api_route_is_a_problem_response_with_a_request_id()
    {
        using var http = fixture.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/does-not-exist");
        request.Headers.Add("X-Request-Id", "till-42-retry-1");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("till-42-retry-1", response.Headers.GetValues("X-Request-Id").Single());
    }
}
