namespace BazaarCstd.Web.Services;

/// <summary>
/// Whether the API answered this user's last call (one per circuit). <see cref="InventoryApiClient"/>
/// reports every call; the layout's banner shows while it is unreachable and probes until it
/// answers again, and pages that hold data reload then — so the page keeps working without a reload.
/// </summary>
public sealed class ApiAvailability
{
    public bool IsReachable { get; private set; } = true;

    /// <summary>Raised when <see cref="IsReachable"/> flips (on the thread of the call that saw it).</summary>
    public event Action? Changed;

    public void Report(bool reachable)
    {
        if (reachable == IsReachable)
        {
            return;
        }

        IsReachable = reachable;
        Changed?.Invoke();
    }
}
