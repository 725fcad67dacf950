using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using BazaarCstd.Contracts;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.MigrationService;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StackExchange.Redis;

namespace BazaarCstd.IntegrationTests.LocalSecrets;

/// <summary>
/// The local secrets stay secret on the running shared app: no generated password on any process's
/// command line or in any resource's log, secret files readable by their owner only, Redis closed to
/// a client without its password, and the application role's password set without its text (or
/// even its verifier) reaching a trace span.
/// </summary>
[Collection(BazaarAppCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalSecretsTests(BazaarAppFixture fixture)
{
    private static readonly string[] s_generated = ["postgres-password", "app-db-password", "redis-password", "jwt-signing-key"];

    private string SecretsFolder => Path.Combine(fixture.Runner.DataRoot, "secrets");

    private Dictionary<string, string> Secrets() =>
        s_generated.ToDictionary(name => name, name => File.ReadAllText(Path.Combine(SecretsFolder, name)).Trim());

    [Fact]
    public async Task No_generated_password_is_on_any_command_line_or_in_any_resource_log()
    {
        var secrets = Secrets();
        Assert.All(secrets.Values, value => Assert.True(value.Length >= 24));

        // Every process on the machine (ours among them: both PostgreSQL servers run with the data root in their arguments).
        var commandLines = Directory.EnumerateDirectories("/proc")
            .Where(dir => int.TryParse(Path.GetFileName(dir), out _))
            .Select(dir => (Pid: Path.GetFileName(dir), CommandLine: ReadOrEmpty(Path.Combine(dir, "cmdline")).Replace('\0', ' ')))
            .ToList();
        var ours = commandLines.Where(p => p.CommandLine.Contains(fixture.Runner.DataRoot, StringComparison.Ordinal)).ToList();
        Assert.True(ours.Count >= 2, $"The app's PostgreSQL servers should name the data root in their arguments; found {ours.Count}.");
        Assert.Contains(ours, p => p.CommandLine.Contains("primary_conninfo", StringComparison.Ordinal));
        foreach (var (name, value) in secrets)
        {
            var leaks = commandLines.Where(p => p.CommandLine.Contains(value, StringComparison.Ordinal)).Select(p => p.Pid).ToList();
            Assert.True(leaks.Count == 0, $"{name} is on the command line of process(es) {string.Join(", ", leaks)}.");
        }

        // Every resource's log so far, the migrations (which set the application role's password) included.
        var lines = 0;
        foreach (var resource in fixture.Runner.StartLogs.Keys)
        {
            foreach (var line in await fixture.Runner.LogsAsync(resource))
            {
                lines++;
                foreach (var (name, value) in secrets)
                {
                    Assert.False(line.Content.Contains(value, StringComparison.Ordinal), $"{name} is in the log of {resource}: {line.Content}");
                }
            }
        }

        Assert.True(lines > 100, $"Only {lines} log lines were read.");
    }

    [Fact]
    public void Secret_files_are_readable_by_their_owner_only()
    {
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(OwnerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(SecretsFolder));
        var files = Directory.GetFiles(SecretsFolder);
        Assert.Superset(s_generated.ToHashSet(), files.Select(Path.GetFileName).ToHashSet()!);
        Assert.All(files, file => Assert.Equal(OwnerOnly, File.GetUnixFileMode(file)));

        // And the files that hold a password elsewhere: Redis's config, the replica's password file.
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(fixture.Runner.DataRoot, ResourceNames.Cache, "redis.conf")));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(fixture.Runner.DataRoot, $"{ResourceNames.PostgresReplica}.pgpass")));
        Assert.True(DataRootOwnershipOk(fixture.Runner.DataRoot));
    }

    [Fact]
    public async Task Redis_answers_NOAUTH_to_a_client_without_the_password_while_the_app_uses_it()
    {
        var connectionString = (await fixture.App.GetConnectionStringAsync(ResourceNames.Cache))!;
        var options = ConfigurationOptions.Parse(connectionString);
        Assert.False(string.IsNullOrEmpty(options.Password));
        var endpoint = (DnsEndPoint)options.EndPoints.Single();

        // A local user who knows the port: plain RESP, no AUTH.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port);
            var stream = client.GetStream();
            foreach (var command in new[] { "PING", "DEL bazaar:auth:deny:x", "FLUSHALL" })
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
                Assert.StartsWith("-NOAUTH", await ReadLineAsync(stream), StringComparison.Ordinal);
            }
        }

        // With the password from the connection string: served.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(connectionString))
        {
            Assert.True((await redis.GetDatabase().PingAsync()) < TimeSpan.FromSeconds(5));
        }

        // The API counts its requests in Redis (no RateLimit header without it).
        using var admin = fixture.CreateApiClient();
        using var profile = await admin.GetAsync("/api/auth/profile");
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.True(profile.Headers.Contains("RateLimit"), "The API should be counting requests in Redis.");
    }

    [Fact]
    public async Task Setting_the_application_role_password_puts_no_secret_in_a_span_and_the_role_still_signs_in()
    {
        var ownerConnection = (await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDb))!;
        var appConnection = (await fixture.App.GetConnectionStringAsync(ResourceNames.BazaarDbApp))!;
        var password = new NpgsqlConnectionStringBuilder(appConnection).Password!;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.BazaarDb}"] = ownerConnection,
            [$"ConnectionStrings:{ResourceNames.BazaarDbApp}"] = appConnection,
        }).Build();

        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);

        await using (var owner = NpgsqlDataSource.Create(ownerConnection))
        {
            // The same call the MigrationService makes on every start (the same password: harmless to the running app).
            await new ApplicationRoleLogin(owner, configuration, NullLogger<ApplicationRoleLogin>.Instance).EnsureAsync(default);

            await using var stored = owner.CreateCommand($"SELECT rolpassword FROM pg_authid WHERE rolname = '{DatabaseRoles.Application}'");
            Assert.StartsWith($"SCRAM-SHA-256${ApplicationRoleLogin.ScramIterations}:", (string)(await stored.ExecuteScalarAsync())!, StringComparison.Ordinal);
        }

        List<Activity> seen;
        lock (spans)
        {
            seen = [.. spans];
        }

        foreach (var span in seen)
        {
            var text = span.DisplayName + " " + string.Join(" ", span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
            Assert.DoesNotContain("ALTER ROLE", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SCRAM-SHA-256$", text, StringComparison.Ordinal);
        }

        Assert.Contains(seen, span => span.TagObjects.Any(t => t.Value?.ToString()?.Contains("rolpassword", StringComparison.Ordinal) == true));

        // The role signs in with the password the services hold.
        await using var app = NpgsqlDataSource.Create(appConnection + ";Pooling=false");
        Assert.Equal(1, await app.CreateCommand("SELECT 1").ExecuteScalarAsync());
    }

    private static bool DataRootOwnershipOk(string path) => BazaarCstd.AppHost.Infrastructure.DataRootOwnership.Problem(path, directory: true) is null;

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var buffer = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await stream.ReadAsync(buffer, timeout.Token) == 1 && buffer[0] != '\n')
        {
            line.Append((char)buffer[0]);
        }

        return line.ToString().TrimEnd('\r');
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ""; // it ended while we looked
        }
    }
}
