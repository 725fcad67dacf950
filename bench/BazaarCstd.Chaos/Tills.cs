using System.Text.Json;
using BazaarCstd.Contracts.Stock;

namespace BazaarCstd.Chaos;

/// <summary>
/// The tills: <see cref="ChaosOptions.Clients"/> loops, each recording one operation at a time until
/// <see cref="ChaosOptions.Operations"/> are taken or <see cref="ChaosOptions.DurationCap"/> has passed. Mostly sales of 1–3 units; some transfers of
/// 1–5 units between two of the run's stores; some counts that set a shelf to 0–60. Every
/// operation gets its own key, and its body is fixed before the first attempt.
/// </summary>
public sealed class Tills(ChaosOptions options, ChaosDataset data, KeyedSender sender, string runId, Func<DateTimeOffset> deadline)
{
    private readonly TillOperation[] _operations = new TillOperation[options.Operations];
    private int _taken = -1;
    private int _done;

    public IReadOnlyList<TillOperation> Operations => [.. _operations.Where(o => o is not null)];

    public int Done => Volatile.Read(ref _done);

    /// <summary>The key prefix of this run's operations (the ledger is searched by it).</summary>
    public string KeyPrefix => $"chaos-{runId}-";

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Clients).Select(till => Task.Run(() => TillAsync(till, cancellationToken), CancellationToken.None)));

    private async Task TillAsync(int till, CancellationToken cancellationToken)
    {
        var random = new Random(options.Seed + till);
        int index;

        // Past the run's cap no till starts another operation (those in flight finish or give up).
        while (DateTimeOffset.UtcNow < deadline() && (index = Interlocked.Increment(ref _taken)) < options.Operations)
        {
            var operation = Next(index, till, random);
            _operations[index] = operation;
            try
            {
                await sender.SendAsync(operation, random, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                operation.Status = 0;
                operation.Problem = "the run's cap ended it";
            }

            Interlocked.Increment(ref _done);
        }
    }

    private TillOperation Next(int index, int till, Random random)
    {
        var roll = random.NextDouble();
        var store = data.Stores[random.Next(data.Stores.Count)];
        var product = data.Products[random.Next(data.Products.Count)];
        var (kind, body) = roll < options.TransferShare
            ? (OperationKinds.Transfer, JsonSerializer.Serialize(
                new TransferRequest(store, OtherStore(store, random), [new TransferLine(product, null, random.Next(1, 6))], $"CHAOS-{index}"), JsonSerializerOptions.Web))
            : roll < options.TransferShare + options.CountShare
                ? (OperationKinds.Count, JsonSerializer.Serialize(new CountRequest(store, product, null, random.Next(0, 61)), JsonSerializerOptions.Web))
                : (OperationKinds.Sale, JsonSerializer.Serialize(
                    new MovementRequest(store, product, null, random.Next(1, 4), Reference: $"TILL-{till}", DeviceId: $"chaos-till-{till}"), JsonSerializerOptions.Web));
        return new TillOperation(index, till, kind, OperationKinds.PathOf(kind), KeyPrefix + index, body);
    }

    private Guid OtherStore(Guid store, Random random)
    {
        var other = data.Stores[random.Next(data.Stores.Count - 1)];
        return other == store ? data.Stores[^1] : other;
    }
}
