namespace BazaarCstd.Contracts.Reports;

/// <summary>
/// Units sold per business day from <see cref="From"/> to <see cref="To"/>, every day present (zero
/// when nothing sold). A day is the store's own calendar day (its time zone) of the sale's occurredAt.
/// </summary>
public sealed record SalesReport(Guid? StoreId, DateOnly From, DateOnly To, IReadOnlyList<SalesDay> Days);

/// <summary>One business day: units sold and how many sale movements sold them.</summary>
public sealed record SalesDay(DateOnly Day, decimal Units, long Sales);
