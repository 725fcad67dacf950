using System.Globalization;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Data.Ledger;
using BazaarCstd.LoadRun;

// The HTTP half of scripts/loadrun.sh. Results go to stdout as key=value lines the script reads;
// progress and errors go to stderr.
//   setup --api URL --products N --quantity Q     one store, 2×N stocked products (API set, pgbench set)
//   sales --api URL --store ID --products ID,ID,… --warmup S --duration S
//   events --amqp URI --store ID --duration S     commit → subscriber delay of the store's stock.changed events
//   setup and sales also take --email / --password (default: the local admin account)
//                                                 one keep-alive client per product, each selling 1 unit in a loop
var options = ParseOptions(args.Skip(1));
var api = new Uri(Option("api", "http://localhost:5080"));
if (!api.IsLoopback)
{
    return Fail($"--api must be a loopback address (localhost, 127.0.0.1, ::1); '{api}' is not.");
}

if (args.FirstOrDefault() == "events")
{
    var watched = await EventWatch.RunAsync(new Uri(Option("amqp", "")), Guid.Parse(Option("store", "")), TimeSpan.FromSeconds(Int("duration", 20)));
    foreach (var (key, value) in watched)
    {
        Console.WriteLine($"{key}={value}");
    }

    return 0;
}

try
{
    // The administrator by default (it may create stores and products); see README "Accounts".
    var auth = await SignIn.AsAsync(api, Option("email", "admin@bazaar.local"), Option("password", "Bazaar!Admin-2026"));
    switch (args.FirstOrDefault())
    {
        case "setup":
            var fixture = await LoadFixture.CreateAsync(api, auth, Int("products", 16), decimal.Parse(Option("quantity", "1000000000"), CultureInfo.InvariantCulture));
            Console.WriteLine($"store={fixture.StoreId}");
            Console.WriteLine($"api_products={string.Join(',', fixture.ApiProducts)}");
            Console.WriteLine($"pgbench_products={string.Join(',', fixture.PgbenchProducts)}");
            // pgbench's documents, one per client (element i for client i): the ledger's own JSON.
            var documents = fixture.PgbenchProducts.Select(p => LedgerLine.ToJson([LedgerLine.Movement(MovementKinds.Sale, fixture.StoreId, p, 1m)]));
            Console.WriteLine($"pgbench_documents=[{string.Join(',', documents)}]");
            return 0;

        case "sales":
            var products = Option("products", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToArray();
            if (products.Length == 0)
            {
                return Fail("sales needs --products with at least one product id.");
            }

            var result = await SaleLoad.RunAsync(
                api, auth, Guid.Parse(Option("store", "")), products,
                TimeSpan.FromSeconds(Int("warmup", 3)), TimeSpan.FromSeconds(Int("duration", 20)));
            foreach (var (key, value) in result.ToKeyValues())
            {
                Console.WriteLine($"{key}={value}");
            }

            return result.Errors == 0 ? 0 : 3;

        default:
            return Fail("Usage: BazaarCstd.LoadRun setup|sales|events [--option value]…  (run through scripts/loadrun.sh)");
    }
}
catch (LoadRunException ex)
{
    return Fail(ex.Message);
}
catch (HttpRequestException ex)
{
    return Fail($"The API at {api} did not answer ({ex.Message}). Is the AppHost running?");
}

string Option(string name, string fallback) => options.TryGetValue(name, out var value) ? value : fallback;

int Int(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

static Dictionary<string, string> ParseOptions(IEnumerable<string> args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    string? pending = null;
    foreach (var arg in args)
    {
        if (pending is null && arg.StartsWith("--", StringComparison.Ordinal))
        {
            pending = arg[2..];
        }
        else if (pending is not null)
        {
            result[pending] = arg;
            pending = null;
        }
        else
        {
            throw new ArgumentException($"Unexpected argument '{arg}'.");
        }
    }

    return result;
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 1;
}
