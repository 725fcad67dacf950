namespace BazaarCstd.Chaos;

/// <summary>One kill and its restart, in seconds since the operations began.</summary>
public sealed record KillRecord(
    string Component,
    string Instance,
    int Pid,
    double KilledAt,
    double? StartedAt,
    double? HealthyAt,
    string? Failure)
{
    public double? DownSeconds => HealthyAt - KilledAt;
}
