using System.Net.Http.Json;
using System.Text.RegularExpressions;
using BazaarCstd.Contracts.Catalog;
using BazaarCstd.Contracts.Operations;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.IntegrationTests.Infrastructure;
using BazaarCstd.IntegrationTests.Inventory;
using BazaarCstd.IntegrationTests.Operations;

namespace BazaarCstd.IntegrationTests.Foundation;

/// <summary>
/// A healthy start raises no false alarm (issue 17): no resource logs an error on the way up, and the
/// probes that keep asking whether the API is healthy leave nothing on the Traces page.
/// </summary>
[Collection(BazaarAppCollection.Name)]
public sealed partial class CleanStartTests(BazaarAppFixture fixture)
{
    [Fact]
    public void No_resource_logs_an_error_from_its_start_until_the_app_is_healthy()
    {
        var errors = StartLogLines(IsError);

        Assert.True(errors.Count == 0, $"{errors.Count} error lines during a healthy start:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    /// <summary>
    /// Nor does a service warn on its way up: a warning at every start (FusionCache's check of its
    /// serializer, until the read cache's serializer included fields) is one an operator learns to skip.
    /// </summary>
    [Fact]
    public void No_service_logs_a_warning_from_its_start_until_the_app_is_healthy()
    {
        var warnings = StartLogLines(line => ServiceWarning().IsMatch(line.Content),
            BazaarCstd.Contracts.ResourceNames.Api, BazaarCstd.Contracts.ResourceNames.Worker, BazaarCstd.Contracts.ResourceNames.Web);

        Assert.True(warnings.Count == 0, $"{warnings.Count} warnings during a healthy start:{Environment.NewLine}{string.Join(Environment.NewLine, warnings)}");
    }

    /// <summary>
    /// The Aspire dashboard shows the AppHost's start-up findings about the machine as banners on every
    /// page; with no HTTPS anywhere in the local run, "No trusted development certificate" had no cause.
    /// </summary>
    [Fact]
    public void The_AppHost_finds_nothing_to_warn_about_on_a_healthy_start()
    {
        var warnings = fixture.Runner.AppHostStartWarnings;
        Assert.True(warnings.Count == 0, $"The AppHost warned during a healthy start:{Environment.NewLine}{string.Join(Environment.NewLine, warnings)}");
    }

    [Fact]
    public async Task Health_probes_leave_no_spans_and_a_sale_leaves_one_trace()
    {
        var api = new InventoryApi(fixture);
        var store = await api.NewStoreAsync();
        var product = await api.NewProductAsync();
        var setup = await LogMarkAsync(ResourceNamesForTests.Api);
        await api.AddStockAsync(store.Id, product.Id, 5);

        // The stocking request's span is written when the request ends, which may be after its
        // answer arrived here: wait for it, so that it falls before the mark (a clean-clone run saw
        // it after the mark, as a second request span).
        await Eventually.ReturnsAsync(async () =>
            (await SpansSinceAsync(setup)).FirstOrDefault(span => span.Path == "/api/stock/add"), TimeSpan.FromSeconds(15), "the stocking request's span");
        var mark = await LogMarkAsync(ResourceNamesForTests.Api);
        // Through the proxy, and at every replica's own port, as the AppHost's periodic probe does.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            foreach (var replica in await fixture.Runner.InstanceAddressesAsync(ResourceNamesForTests.Api, timeout.Token))
            {
                using var probe = new HttpClient { BaseAddress = replica };
                foreach (var path in new[] { "/health", "/alive" })
                {
                    using var response = await probe.GetAsync(path);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
            }
        }

        using (var probe = fixture.App.CreateHttpClient(ResourceNamesForTests.Api))
        {
            foreach (var path in new[] { "/health", "/alive", "/health", "/alive" })
            {
                using var response = await probe.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        using var sale = await api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1));
        Assert.Equal(HttpStatusCode.Created, sale.StatusCode);

        // A span is written when it ends; the sale's request span ends last.
        var spans = await Eventually.ReturnsAsync(async () =>
        {
            var recent = await SpansSinceAsync(mark);

            return recent.Any(span => span.Path == "/api/stock/sale") ? recent : null;
        }, TimeSpan.FromSeconds(15), "the sale's request span");

        var described = $"Spans since the probes began:{Environment.NewLine}{string.Join(Environment.NewLine, spans)}";
        var saleRequest = Assert.Single(spans, span => span.Source == "Microsoft.AspNetCore"); // the probes' requests left none
        Assert.Equal("/api/stock/sale", saleRequest.Path);
        Assert.Equal(Span.NoParent, saleRequest.Parent); // its own trace, not a child of a probe

        // What the checks behind /health do: PING Redis, SELECT 1 on both databases, connect to RabbitMQ.
        Assert.True(!spans.Any(span => span.Name == "PING"), described);
        Assert.True(!spans.Any(span => span.Source.Contains("RabbitMQ", StringComparison.Ordinal)), described);
        Assert.True(spans.Where(span => span.Source == "Npgsql").All(span => span.Trace == saleRequest.Trace), described);
        Assert.Contains(spans, span => span.Trace == saleRequest.Trace && span.Source == "Npgsql"); // down to the database
    }

    /// <summary>
    /// Ordinary sales leave the API's console as they found it. A line per request (each cache call,
    /// each SQL statement) buries what an operator looks for, and at a till's rate the API, DCP and the
    /// dashboard spend CPU on every line: with FusionCache's per-call log at Information, 10 sales
    /// logged 149 lines (API appsettings: FusionCache's and Npgsql's command logs are Warning).
    /// </summary>
    [Fact]
    public async Task Sales_write_no_line_per_request_in_the_API_log()
    {
        const int sales = 10;
        var api = new InventoryApi(fixture);
        var store = await api.NewStoreAsync();
        var product = await api.NewProductAsync();
        await api.AddStockAsync(store.Id, product.Id, sales);
        var mark = await LogMarkAsync(ResourceNamesForTests.Api);

        for (var i = 0; i < sales; i++)
        {
            using var sale = await api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1));
            Assert.Equal(HttpStatusCode.Created, sale.StatusCode);
        }

        // Each request's span is written when it ends, after anything it logged.
        var lines = await Eventually.ReturnsAsync(async () =>
        {
            var recent = await LinesSinceAsync(mark);
            return recent.Count(line => Span.Parse(line.Content) is { Source: "Microsoft.AspNetCore", Path: "/api/stock/sale" }) >= sales ? recent : null;
        }, TimeSpan.FromSeconds(15), $"the {sales} sales' request spans");

        var logged = lines.Where(line => Span.Parse(line.Content) is null).Select(line => line.Content).ToList();
        Assert.True(logged.Count < sales, $"{logged.Count} log lines for {sales} sales:{Environment.NewLine}{string.Join(Environment.NewLine, logged.Take(40))}");
    }

    /// <summary>
    /// A sale refused for want of stock is a till's everyday answer, not a fault: PostgreSQL still logs
    /// the ledger's refusal (SQLSTATE BZ001, with its statement), but not as an error, so the
    /// dashboard does not turn red at every empty shelf. Other errors stay errors (the start scripts'
    /// filter, docs/decisions.md "A clean start").
    /// </summary>
    [Fact]
    public async Task A_sale_refused_for_want_of_stock_leaves_no_error_in_PostgreSQLs_log()
    {
        var api = new InventoryApi(fixture);
        var (store, product) = await api.StockedAsync(1);
        var mark = await LogMarkAsync(ResourceNamesForTests.Postgres);

        using var refused = await api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 5));
        await InventoryApi.AssertProblem(refused, HttpStatusCode.Conflict);

        // The refusal's message names the store; its CONTEXT and STATEMENT lines follow it.
        var lines = await Eventually.ReturnsAsync(async () =>
        {
            var recent = await LinesSinceAsync(mark);
            var at = recent.FindIndex(line => line.Content.Contains(store.Id.ToString(), StringComparison.Ordinal));
            return at >= 0 && recent.Skip(at).Any(line => line.Content.Contains("STATEMENT:", StringComparison.Ordinal)) ? recent.Skip(at).ToList() : null;
        }, TimeSpan.FromSeconds(15), "PostgreSQL's lines for the refused sale");

        Assert.Contains("BZ001", lines[0].Content, StringComparison.Ordinal);
        var errors = lines.Where(IsError).Select(line => line.Content).ToList();
        Assert.True(errors.Count == 0, $"Error lines for a refused sale:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    /// <summary>
    /// A refusal the API answers (here a SKU that is taken: 409) is not a fault: the API log shows no
    /// Error for it, so the dashboard stays free of red that an operator would learn to ignore.
    /// </summary>
    [Fact]
    public async Task A_refused_duplicate_leaves_no_error_in_the_API_log()
    {
        var api = new InventoryApi(fixture);
        var product = await api.NewProductAsync();
        var mark = await LogMarkAsync(ResourceNamesForTests.Api);

        using var again = await api.Http.PostAsJsonAsync("/api/products", new ProductRequest(product.Sku, "Same SKU", "Testing", "each", 1m));
        await InventoryApi.AssertProblem(again, HttpStatusCode.Conflict);

        // The request's span is written when the request ends, after anything it logged.
        var lines = await Eventually.ReturnsAsync(async () =>
        {
            var recent = await LinesSinceAsync(mark);
            return recent.Any(line => Span.Parse(line.Content) is { Source: "Microsoft.AspNetCore", Path: "/api/products" }) ? recent : null;
        }, TimeSpan.FromSeconds(15), "the refused request's span");

        var errors = lines.Where(IsError).Select(line => line.Content).ToList();
        Assert.True(errors.Count == 0, $"Error lines for a 409:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    /// <summary>
    /// An idle Worker polls the outbox ten times a second, tries for the relay's lock and measures the
    /// event flow every few seconds: none of that may reach the Traces page. What it does leave is
    /// work: its maintenance runs (every 2 s in the test apps), and relay batches and consumed
    /// messages, which start from the Worker's own activity sources or continue a message's trace.
    /// </summary>
    [Fact]
    public async Task An_idle_Worker_leaves_no_trace_but_its_own_work()
    {
        var mark = await LogMarkAsync(ResourceNamesForTests.Worker);

        // Four maintenance runs after this point: seconds in which the relay polled dozens of times.
        var spans = await Eventually.ReturnsAsync(async () =>
        {
            var recent = await SpansSinceAsync(mark);

            return recent.Count(span => span.Name == "Database maintenance") >= 4 ? recent : null;
        }, TimeSpan.FromSeconds(30), "four maintenance runs of the Worker");

        AssertEveryTraceStartsInTheWorker(spans);
    }

    /// <summary>
    /// The Worker's work for a sale stays in the sale's trace: the alerts consumer applies events in
    /// batches, in a loop of its own with no current span, and the database call of each batch was a
    /// trace of one Npgsql span on the dashboard, apart from the sale it came from. Every trace the
    /// Worker starts while it handles the sale starts in the Worker's own code.
    /// </summary>
    [Fact]
    public async Task A_sales_alert_work_stays_in_the_sales_trace()
    {
        var api = new InventoryApi(fixture);
        var store = await api.NewStoreAsync();
        var product = await api.NewProductAsync();
        await api.AddStockAsync(store.Id, product.Id, 5);
        var apiMark = await LogMarkAsync(ResourceNamesForTests.Api);
        var workerMark = await LogMarkAsync(ResourceNamesForTests.Worker);

        using var sale = await api.Http.PostAsJsonAsync("/api/stock/sale", new MovementRequest(store.Id, product.Id, null, 1));
        Assert.Equal(HttpStatusCode.Created, sale.StatusCode);
        var saleTrace = (await Eventually.ReturnsAsync(async () =>
            (await SpansSinceAsync(apiMark)).FirstOrDefault(span => span.Path == "/api/stock/sale"), TimeSpan.FromSeconds(15), "the sale's request span")).Trace;

        var spans = await Eventually.ReturnsAsync(async () =>
        {
            var recent = await SpansSinceAsync(workerMark);
            return recent.Any(span => span.Trace == saleTrace && span.Source == "Npgsql") ? recent : null;
        }, TimeSpan.FromSeconds(30), "the alerts consumer's database work in the sale's trace");

        AssertEveryTraceStartsInTheWorker(spans);
    }

    /// <summary>
    /// The lines of an import are written by no request, so their events have no trace to continue.
    /// Each one's publish starts a trace of its own (which the sampler may drop, one at a time), not a
    /// child of the relay's batch span: a sampled batch of an import carried every message in it, about
    /// 3,500 spans a trace, and the dashboard spent more CPU on an imported line than the Worker did.
    /// </summary>
    [Fact]
    public async Task An_imports_events_each_start_their_own_trace_not_the_relay_batchs()
    {
        const int lines = 40;
        var api = new InventoryApi(fixture);
        var store = await api.NewStoreAsync();
        var product = await api.NewProductAsync();
        var mark = await LogMarkAsync(ResourceNamesForTests.Worker);

        using var admin = fixture.CreateApiClient();
        var csv = ImportClient.Csv(ImportClient.MovementHeader, Enumerable.Range(0, lines).Select(i => $"{store.Code},{product.Sku},stock_in,1,,TRACE-{i},,"));
        var started = await ImportClient.StartAsync(admin, OperationKinds.Movements, csv);
        Assert.Equal(OperationStatuses.Succeeded, (await ImportClient.FinishedAsync(admin, started.Id, TimeSpan.FromSeconds(60))).Status);

        var spans = await Eventually.ReturnsAsync(async () =>
        {
            var recent = await SpansSinceAsync(mark);
            // A batch's span ends after its messages' (it holds the marking that follows them).
            var last = recent.FindLastIndex(span => span.Name == "outbox relay");
            return recent.Take(last + 1).Count(span => span.Name == "bazaar.inventory publish") >= lines ? recent : null;
        }, TimeSpan.FromSeconds(30), $"the publish spans of the import's {lines} events and their batch's span");

        var batches = spans.Where(span => span.Name == "outbox relay").Select(span => span.Id).ToHashSet();
        var publishes = spans.Where(span => span.Name == "bazaar.inventory publish").ToList();
        var described = $"Publish spans since the upload:{Environment.NewLine}{string.Join(Environment.NewLine, publishes)}";
        Assert.NotEmpty(batches);
        Assert.True(publishes.All(span => !batches.Contains(span.Parent)), described);
        Assert.True(publishes.Count(span => span.Parent == Span.NoParent) >= lines, described);
        Assert.True(publishes.Select(span => span.Trace).Distinct().Count() >= lines, described);
    }

    /// <summary>
    /// How many lines each replica of <paramref name="resource"/> has logged so far, DCP's own
    /// <c>[sys]</c> lines left out: the log is not in arrival order, and the "[sys] Starting process"
    /// line, older than everything, moves to the end as new lines come, so counting it skipped a new line.
    /// </summary>
    private async Task<Dictionary<string, int>> LogMarkAsync(string resource)
    {
        var mark = new Dictionary<string, int>();
        foreach (var replica in await fixture.Runner.InstancesAsync(resource))
        {
            mark[replica] = (await ServiceLinesAsync(replica)).Count;
        }

        return mark;
    }

    /// <summary>What the replicas of a <see cref="LogMarkAsync"/> have logged since it.</summary>
    private async Task<List<LogLine>> LinesSinceAsync(Dictionary<string, int> mark)
    {
        var lines = new List<LogLine>();
        foreach (var (replica, seen) in mark)
        {
            lines.AddRange((await ServiceLinesAsync(replica)).Skip(seen));
        }

        return lines;
    }

    /// <summary>
    /// The lines, as "instance: line", that <paramref name="matches"/> among what the resources logged
    /// from their start until the app was healthy: every resource's, or the replicas of <paramref name="resources"/>.
    /// </summary>
    private List<string> StartLogLines(Func<LogLine, bool> matches, params string[] resources) =>
    [
        .. fixture.Runner.StartLogs
            .Where(log => resources.Length == 0 || resources.Any(resource => log.Key.StartsWith($"{resource}-", StringComparison.Ordinal)))
            .SelectMany(log => log.Value.Where(matches).Select(line => $"{log.Key}: {line.Content}")),
    ];

    /// <summary>Every root among <paramref name="spans"/> (the Worker's) comes from the Worker's own activity sources, not a library's.</summary>
    private static void AssertEveryTraceStartsInTheWorker(List<Span> spans)
    {
        var roots = spans.Where(span => span.Parent == Span.NoParent).ToList();
        Assert.True(roots.All(span => span.Source.StartsWith("BazaarCstd.Worker.", StringComparison.Ordinal)),
            $"Traces that start in a library, not in the Worker's work:{Environment.NewLine}{string.Join(Environment.NewLine, roots)}");
    }

    /// <summary>The spans among what the replicas of a <see cref="LogMarkAsync"/> have logged since it.</summary>
    private async Task<List<Span>> SpansSinceAsync(Dictionary<string, int> mark) =>
        [.. (await LinesSinceAsync(mark)).Select(line => Span.Parse(line.Content)).OfType<Span>()];

    private async Task<List<LogLine>> ServiceLinesAsync(string replica) =>
        [.. (await fixture.Runner.LogsAsync(replica)).Where(line => !line.Content.Contains(" [sys] ", StringComparison.Ordinal))];

    /// <summary>
    /// An error as the dashboard's console shows it: a line on standard error (a .NET service's
    /// Error and Critical logs, PostgreSQL's ERROR/FATAL/PANIC), or RabbitMQ's own error levels,
    /// which it writes to standard output.
    /// </summary>
    private static bool IsError(LogLine line) => line.IsErrorMessage || RabbitMQError().IsMatch(line.Content);

    [GeneratedRegex(@"\[(error|critical|alert|emergency)\]")]
    private static partial Regex RabbitMQError();

    /// <summary>A .NET console logger's warning line, as the resource log holds it: DCP's timestamp, then "warn:" in colour.</summary>
    [GeneratedRegex(@"^(\S+Z )?(\x1b\[[0-9;]*m)*warn(\x1b\[[0-9;]*m)*: ")]
    private static partial Regex ServiceWarning();

    private sealed partial record Span(string Source, string Name, string Trace, string Id, string Parent, string Path)
    {
        /// <summary>The parent id of a span that starts its trace.</summary>
        public const string NoParent = "0000000000000000";

        public static Span? Parse(string line) => Line().Match(line) is { Success: true } m
            ? new Span(m.Groups["source"].Value, m.Groups["name"].Value, m.Groups["trace"].Value, m.Groups["span"].Value, m.Groups["parent"].Value, m.Groups["path"].Value)
            : null;

        [GeneratedRegex("""\[span\] source=(?<source>\S+) name="(?<name>[^"]*)" trace=(?<trace>\w+) span=(?<span>\w+) parent=(?<parent>\w+) path=(?<path>\S*)""")]
        private static partial Regex Line();
    }
}
