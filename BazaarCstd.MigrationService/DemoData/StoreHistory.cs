using System.Globalization;
using BazaarCstd.Contracts.Stock;
using BazaarCstd.Data.Ledger;

namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// The simulated history of one store: the documents to write, in the order to write them, and the
/// on-hand they leave behind. The simulation keeps its own on-hand, so it never sells or removes more
/// than is there (the database would refuse the whole document with BZ001).
/// </summary>
/// <remarks>
/// A day runs: delivery at 06:30 local (on the store's delivery days, topping each product up to a few
/// days of cover), sales during opening hours (Poisson demand with a weekday rhythm, aggregated per
/// product into one to three till movements), end-of-day removals at 21:30 (expired perishables,
/// the odd damaged or stolen item) and, on the last day of a month, a stocktake at 22:00 that records
/// the shrinkage found. For every (store, product) the write order is also the business-time order,
/// so stock as of any instant is never negative. Events after <c>end</c> are not generated.
/// </remarks>
public sealed class StoreHistory
{
    private const int TillsPerStore = 4;

    /// <summary>Days of sales a delivery tops a product up to, beyond the days until the next delivery.</summary>
    private const double CoverDays = 6;

    private static readonly TimeOnly s_deliveryTime = new(6, 30);
    private static readonly TimeOnly s_removalTime = new(21, 30);
    private static readonly TimeOnly s_stocktakeTime = new(22, 0);

    private readonly List<DemoDocument> _documents = [];
    private readonly Dictionary<Guid, decimal> _onHand = [];

    private StoreHistory(DemoStore store) => Store = store;

    public DemoStore Store { get; }

    public IReadOnlyList<DemoDocument> Documents => _documents;

    /// <summary>On-hand per stocked product when the history ends.</summary>
    public IReadOnlyDictionary<Guid, decimal> FinalOnHand => _onHand;

    public int MovementCount => _documents.Sum(d => d.Lines.Count);

    private sealed class Shelf(DemoProduct product, double rate, int lastDeliveryDay)
    {
        public DemoProduct Product { get; } = product;

        /// <summary>Units sold on an average weekday.</summary>
        public double Rate { get; } = rate;

        /// <summary>After this day the supplier cannot deliver (a shortage), so the shelf runs down.</summary>
        public int LastDeliveryDay { get; } = lastDeliveryDay;
    }

    internal static StoreHistory Simulate(DemoStore store, IReadOnlyList<DemoProduct> catalog, DateTimeOffset end, int days, int seed)
    {
        var history = new StoreHistory(store);
        var random = new Random(unchecked((seed * 7919) + store.Number));
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(store.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var lastDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(end, zone).DateTime);
        var firstDate = lastDate.AddDays(-(days - 1));

        var shelves = new List<Shelf>();
        foreach (var product in catalog)
        {
            // Fast movers are everywhere; slow ones in bigger stores more often.
            var stockChance = Math.Min(0.95, 0.3 + (0.12 * product.DailyDemand * store.Size));
            if (random.NextDouble() < stockChance)
            {
                var rate = product.DailyDemand * store.Size * (0.7 + (0.6 * random.NextDouble()));
                var shortage = random.NextDouble() < 0.02;
                shelves.Add(new Shelf(product, rate, shortage ? days - random.Next(8, 21) : int.MaxValue));
                history._onHand[product.Id] = 0m;
            }
        }

        for (var day = 0; day < days; day++)
        {
            var date = firstDate.AddDays(day);
            var offset = zone.GetUtcOffset(date.ToDateTime(new TimeOnly(12, 0)));
            DateTimeOffset At(TimeOnly time) => new DateTimeOffset(date.ToDateTime(time), offset).ToUniversalTime();
            var open = date.DayOfWeek != DayOfWeek.Sunday || store.OpenOnSunday;
            var stamp = date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

            if ((day == 0 || store.DeliveryDays.Contains(date.DayOfWeek)) && At(s_deliveryTime) <= end)
            {
                history.Deliver(shelves, day, DaysToNextDelivery(store, date), At(s_deliveryTime), $"PO-{store.Code}-{stamp}", random);
            }

            if (open)
            {
                var (opens, closes) = date.DayOfWeek == DayOfWeek.Sunday ? (10, 18) : (8, 21);
                history.Sell(shelves, WeekdayFactor(date.DayOfWeek), At(new TimeOnly(opens, 0)), closes - opens, end, stamp, random);

                if (At(s_removalTime) <= end)
                {
                    history.Remove(shelves, At(s_removalTime), stamp, random);
                }
            }

            if (date.AddDays(1).Day == 1 && At(s_stocktakeTime) <= end)
            {
                history.Stocktake(shelves, At(s_stocktakeTime), $"STOCKTAKE-{store.Code}-{date:yyyy-MM}", random);
            }
        }

        return history;
    }

    private void Deliver(List<Shelf> shelves, int day, int daysToNextDelivery, DateTimeOffset at, string reference, Random random)
    {
        var lines = new List<DemoLine>();
        foreach (var shelf in shelves)
        {
            if (day > shelf.LastDeliveryDay)
            {
                continue;
            }

            var product = shelf.Product;
            var onHand = _onHand[product.Id];

            // Order up to a few days beyond the next delivery, but only when the shelf would not last until then.
            var target = (decimal)(shelf.Rate * (daysToNextDelivery + CoverDays)) + product.ReorderPoint;
            var reorderAt = (decimal)(shelf.Rate * (daysToNextDelivery + 1)) + (product.ReorderPoint / 2);
            if (day > 0 && onHand >= reorderAt)
            {
                continue;
            }

            decimal quantity;
            if (product.IsWhole)
            {
                var caseSize = shelf.Rate >= 4 ? 12m : 6m;
                quantity = Math.Ceiling((target - onHand) / caseSize) * caseSize;
            }
            else
            {
                // Weighed goods are ordered in whole kilograms (litres, metres); the crate weighs in a little over.
                quantity = Math.Ceiling(target - onHand) + Math.Round((decimal)random.NextDouble() * 0.4m, 3);
            }

            if (quantity > 0)
            {
                lines.Add(new DemoLine(MovementKinds.StockIn, product.Id, quantity, at, Reference: reference,
                    Note: day == 0 ? "Opening stock" : "Scheduled delivery"));
                _onHand[product.Id] = onHand + quantity;
            }
        }

        AddDocuments(lines);
    }

    private void Sell(List<Shelf> shelves, double weekdayFactor, DateTimeOffset opens, int openHours, DateTimeOffset end, string stamp, Random random)
    {
        var lines = new List<DemoLine>();
        var times = new List<DateTimeOffset>(3);
        foreach (var shelf in shelves)
        {
            var product = shelf.Product;
            var onHand = _onHand[product.Id];
            var rate = shelf.Rate * weekdayFactor;
            decimal demand;
            if (product.IsWhole)
            {
                demand = Poisson(random, rate);
            }
            else
            {
                // Customers buy weighed goods by the bag: 150 g to 1 kg each.
                var customers = Poisson(random, rate / 0.6);
                var total = 0.0;
                for (var c = 0; c < customers; c++)
                {
                    total += 0.15 + (0.85 * random.NextDouble());
                }

                demand = Math.Round((decimal)total, 3);
            }

            var sold = Math.Min(demand, onHand);
            if (sold <= 0)
            {
                continue;
            }

            // A product's sales of a day reach the ledger as one to three till movements.
            var parts = product.IsWhole
                ? (sold >= 50 ? 3 : sold >= 20 ? 2 : 1)
                : (sold >= 8 ? 2 : 1);
            times.Clear();
            for (var p = 0; p < parts; p++)
            {
                times.Add(opens.AddSeconds(Math.Floor(random.NextDouble() * openHours * 3600)));
            }

            times.Sort();
            var quantities = Split(random, sold, parts, product.IsWhole);
            for (var p = 0; p < parts; p++)
            {
                if (times[p] > end)
                {
                    break;
                }

                var till = 1 + random.Next(TillsPerStore);
                lines.Add(new DemoLine(MovementKinds.Sale, product.Id, quantities[p], times[p],
                    Reference: $"Z-{stamp}-{till}", DeviceId: $"{Store.Code}-TILL-{till}"));
                onHand -= quantities[p];
            }

            _onHand[product.Id] = onHand;
        }

        // The tills sync in time order; within a product that is also its business-time order.
        lines.Sort((a, b) => a.OccurredAt != b.OccurredAt ? a.OccurredAt.CompareTo(b.OccurredAt) : a.ProductId.CompareTo(b.ProductId));
        AddDocuments(lines);
    }

    private void Remove(List<Shelf> shelves, DateTimeOffset at, string stamp, Random random)
    {
        var lines = new List<DemoLine>();
        foreach (var shelf in shelves)
        {
            var product = shelf.Product;
            var onHand = _onHand[product.Id];
            var roll = random.NextDouble();
            if (onHand <= 0)
            {
                continue;
            }

            var (reason, note) = roll switch
            {
                < 0.03 when product.Perishable => ("expired", "Past its use-by date"),
                < 0.006 => ("damaged", "Damaged packaging found on the shelf"),
                < 0.008 when product.Category is "Snacks" or "Personal Care" or "Beverages" => ("theft", "Empty packaging found in the aisle"),
                > 0.9995 => ("returned_to_supplier", "Quality recall by the supplier"),
                _ => (null, null),
            };
            if (reason is null)
            {
                continue;
            }

            var quantity = product.IsWhole
                ? Math.Min(onHand, 1 + random.Next(3))
                : Math.Min(onHand, Math.Round((decimal)(0.1 + (0.7 * random.NextDouble())), 3));
            lines.Add(new DemoLine(MovementKinds.Removal, product.Id, quantity, at, reason,
                Reference: reason == "returned_to_supplier" ? $"RTS-{Store.Code}-{stamp}" : null, Note: note));
            _onHand[product.Id] = onHand - quantity;
        }

        AddDocuments(lines);
    }

    private void Stocktake(List<Shelf> shelves, DateTimeOffset at, string reference, Random random)
    {
        var lines = new List<DemoLine>();
        foreach (var shelf in shelves)
        {
            if (random.NextDouble() >= 0.3)
            {
                continue;
            }

            var product = shelf.Product;
            var onHand = _onHand[product.Id];
            var difference = product.IsWhole
                ? (random.NextDouble() < 0.8 ? -(1 + random.Next(2)) : 1)
                : Math.Round((decimal)((random.NextDouble() * 0.5) - 0.35), 3);
            var counted = Math.Max(0m, onHand + difference);
            if (counted == onHand)
            {
                // A count that matches writes no movement; leaving it out keeps every document visible in the ledger.
                continue;
            }

            lines.Add(new DemoLine(LedgerLine.CountKind, product.Id, counted, at, Reference: reference, Note: "Month-end stocktake"));
            _onHand[product.Id] = counted;
        }

        AddDocuments(lines);
    }

    private void AddDocuments(List<DemoLine> lines)
    {
        for (var i = 0; i < lines.Count; i += DemoDocument.MaxLines)
        {
            var batchId = DeterministicGuid.Create($"batch/{Store.Code}/{_documents.Count}");
            _documents.Add(new DemoDocument(batchId, lines.GetRange(i, Math.Min(DemoDocument.MaxLines, lines.Count - i))));
        }
    }

    private static int DaysToNextDelivery(DemoStore store, DateOnly date)
    {
        for (var days = 1; days <= 7; days++)
        {
            if (store.DeliveryDays.Contains(date.AddDays(days).DayOfWeek))
            {
                return days;
            }
        }

        return 7;
    }

    /// <summary>Weekends are busiest, early week quietest.</summary>
    private static double WeekdayFactor(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday or DayOfWeek.Tuesday => 0.85,
        DayOfWeek.Wednesday => 0.9,
        DayOfWeek.Thursday => 1.0,
        DayOfWeek.Friday => 1.2,
        DayOfWeek.Saturday => 1.45,
        _ => 1.15,
    };

    private static int Poisson(Random random, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            // Normal approximation (Box–Muller) where Knuth's product method gets slow.
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * gaussian)));
        }

        var limit = Math.Exp(-mean);
        var count = 0;
        var product = random.NextDouble();
        while (product > limit)
        {
            count++;
            product *= random.NextDouble();
        }

        return count;
    }

    /// <summary>Splits <paramref name="total"/> into <paramref name="parts"/> positive quantities.</summary>
    private static decimal[] Split(Random random, decimal total, int parts, bool whole)
    {
        var result = new decimal[parts];
        if (parts == 1)
        {
            result[0] = total;
            return result;
        }

        if (whole)
        {
            var units = (int)total;
            for (var p = 0; p < parts; p++)
            {
                result[p] = 1;
            }

            for (var u = parts; u < units; u++)
            {
                result[random.Next(parts)]++;
            }

            return result;
        }

        // Weighed goods: two parts, each at least 0.1 of the unit.
        var first = Math.Clamp(Math.Round(total * (decimal)(0.3 + (0.4 * random.NextDouble())), 3), 0.1m, total - 0.1m);
        result[0] = first;
        result[1] = total - first;
        return result;
    }
}
