using System.Globalization;

namespace BazaarCstd.Web.Services;

/// <summary>
/// The newest <c>X-Consistency-Token</c> the API gave this circuit (one signed-in browser tab) for
/// a write, sent back on its reads: the API serves reads from its replica, and a user who just
/// recorded a sale must see it in the next list. Scoped, so every <see cref="InventoryApiClient"/>
/// of the circuit shares it.
/// </summary>
public sealed class ReadYourWrites
{
    public const string HeaderName = "X-Consistency-Token";

    private readonly Lock _gate = new();
    private (ulong Position, string Text)? _latest;

    public string? Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest?.Text;
            }
        }
    }

    /// <summary>Keeps <paramref name="token"/> if it is later than the one kept (a WAL position, <c>16/B374D848</c>).</summary>
    public void Remember(string token)
    {
        var halves = token.Split('/');
        if (halves.Length != 2
            || !uint.TryParse(halves[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !uint.TryParse(halves[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            return;
        }

        var position = ((ulong)high << 32) | low;
        lock (_gate)
        {
            if (_latest is not { } kept || kept.Position < position)
            {
                _latest = (position, token);
            }
        }
    }
}
