using MudBlazor;

namespace BazaarCstd.Web.Components.Layout;

/// <summary>
/// MudBlazor's default palette with status colours dark enough for text on white (WCAG AA, 4.5:1):
/// the stock status chips and counts are coloured text, and the defaults' orange and green are not
/// (axe-core's color-contrast rule, <c>AccessibilityTests</c>).
/// </summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Success = "#2e7d32", // 5.1:1 on white
            Warning = "#a34700", // 5.9:1
            Error = "#c62828",   // 5.6:1
        },
    };
}
