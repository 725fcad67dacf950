namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// One line of a <c>bazaar.record_movements</c> document. For a <c>count</c> line
/// <paramref name="Quantity"/> is the counted quantity.
/// </summary>
public sealed record DemoLine(
    string Kind,
    Guid ProductId,
    decimal Quantity,
    DateTimeOffset OccurredAt,
    string? Reason = null,
    string? Reference = null,
    string? Note = null,
    string? DeviceId = null);
