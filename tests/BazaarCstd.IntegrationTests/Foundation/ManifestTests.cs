using System.Text.Json;
using BazaarCstd.Contracts;
using BazaarCstd.IntegrationTests.Infrastructure;

namespace BazaarCstd.IntegrationTests.Foundation;

/// <summary>The publish manifest (what <c>azd</c> deploys) is generated and checked without Docker.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task Publish_manifest_has_container_backing_services_and_project_services()
    {
        var output = Path.Combine(Path.GetTempPath(), $"bazaar-manifest-{Guid.NewGuid():N}.json");
        var appHostProject = Projects.BazaarCstd_AppHost.ProjectPath;
        var (exit, log) = await ExternalCommand.RunAsync("dotnet",
            ["run", "--project", appHostProject, "--no-build", "--", "--publisher", "manifest", "--output-path", output],
            TimeSpan.FromMinutes(3), "The .NET SDK is needed.");
        Assert.True(exit == 0, $"manifest publisher exited {exit}: {log}");

        try
        {
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            var resources = manifest.RootElement.GetProperty("resources");
            string TypeOf(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

            Assert.Equal("container.v0", TypeOf(ResourceNames.Postgres));
            Assert.Equal("container.v0", TypeOf(ResourceNames.Cache));
            Assert.Equal("container.v0", TypeOf(ResourceNames.Messaging));
            foreach (var project in new[] { ResourceNames.Api, ResourceNames.Worker, ResourceNames.Web, ResourceNames.Migrations })
            {
                Assert.Equal("project.v0", TypeOf(project));
            }

            // The services log in as the application role; only the migrations get the owner's login.
            foreach (var service in new[] { ResourceNames.Api, ResourceNames.Worker })
            {
                var env = resources.GetProperty(service).GetProperty("env");
                Assert.True(env.TryGetProperty($"ConnectionStrings__{ResourceNames.BazaarDbApp}", out var app));
                Assert.Contains($"Username={DatabaseRoles.Application}", resources.GetProperty(ResourceNames.BazaarDbApp).GetProperty("connectionString").GetString());
                Assert.Equal($"{{{ResourceNames.BazaarDbApp}.connectionString}}", app.GetString());
                Assert.False(env.TryGetProperty($"ConnectionStrings__{ResourceNames.BazaarDb}", out _), $"{service} must not get the owner's connection string");
            }

            var apiEnv = resources.GetProperty(ResourceNames.Api).GetProperty("env");
            Assert.True(apiEnv.TryGetProperty($"ConnectionStrings__{ResourceNames.BazaarDbReadOnly}", out _));

            // Behind the ingress the client address comes from X-Forwarded-For (locally it never does:
            // RateLimitTests sends a forged one).
            Assert.True(apiEnv.TryGetProperty("ASPNETCORE_FORWARDEDHEADERS_ENABLED", out var forwarded));
            Assert.Equal("true", forwarded.GetString());

            // Self-registration is off when published unless Bazaar:Auth:AllowRegistration says otherwise.
            Assert.True(apiEnv.TryGetProperty("Bazaar__Auth__AllowRegistration", out var registration));
            Assert.Equal("false", registration.GetString());
            var migrationsEnv = resources.GetProperty(ResourceNames.Migrations).GetProperty("env");
            Assert.True(migrationsEnv.TryGetProperty($"ConnectionStrings__{ResourceNames.BazaarDb}", out _));
            Assert.True(migrationsEnv.TryGetProperty($"ConnectionStrings__{ResourceNames.BazaarDbApp}", out _));
        }
        finally
        {
            File.Delete(output);
        }
    }
}
