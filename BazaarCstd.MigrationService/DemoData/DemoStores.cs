namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// The twenty stores of the demo chain, <c>DEMO-001</c> … <c>DEMO-020</c>, across western and central
/// Europe. Streets are real-sounding, house numbers invented. Where Sunday trading is the exception
/// (Germany, Austria, Poland, Belgium, Lyon, Barcelona) the store stays closed on Sundays.
/// </summary>
public static class DemoStores
{
    public const string CodePrefix = "DEMO-";

    private static readonly (string Name, string TimeZone, string Address, bool OpenOnSunday)[] s_sites =
    [
        ("Bazaar London Camden", "Europe/London", "112 Camden High Street, London NW1 0LU, United Kingdom", true),
        ("Bazaar Manchester Ancoats", "Europe/London", "27 Blossom Street, Manchester M4 6AJ, United Kingdom", true),
        ("Bazaar Bristol Harbourside", "Europe/London", "8 Canons Way, Bristol BS1 5LF, United Kingdom", true),
        ("Bazaar Edinburgh Leith", "Europe/London", "141 Great Junction Street, Edinburgh EH6 5JB, United Kingdom", true),
        ("Bazaar Dublin Rathmines", "Europe/Dublin", "64 Rathmines Road Lower, Dublin 6, D06 R2X7, Ireland", true),
        ("Bazaar Lisboa Alfama", "Europe/Lisbon", "Rua dos Remédios 93, 1100-445 Lisboa, Portugal", true),
        ("Bazaar Porto Bonfim", "Europe/Lisbon", "Rua do Heroísmo 212, 4300-256 Porto, Portugal", true),
        ("Bazaar Madrid Chamberí", "Europe/Madrid", "Calle de Fuencarral 148, 28010 Madrid, Spain", true),
        ("Bazaar Barcelona Gràcia", "Europe/Madrid", "Carrer de Verdi 41, 08012 Barcelona, Spain", false),
        ("Bazaar Paris Belleville", "Europe/Paris", "58 Rue de Belleville, 75020 Paris, France", true),
        ("Bazaar Lyon Croix-Rousse", "Europe/Paris", "17 Boulevard de la Croix-Rousse, 69004 Lyon, France", false),
        ("Bazaar Amsterdam De Pijp", "Europe/Amsterdam", "Ferdinand Bolstraat 96, 1072 LM Amsterdam, Netherlands", true),
        ("Bazaar Rotterdam Kralingen", "Europe/Amsterdam", "Oudedijk 183, 3061 AE Rotterdam, Netherlands", true),
        ("Bazaar Bruxelles Ixelles", "Europe/Brussels", "Chaussée d'Ixelles 226, 1050 Ixelles, Belgium", false),
        ("Bazaar Berlin Kreuzberg", "Europe/Berlin", "Oranienstraße 164, 10969 Berlin, Germany", false),
        ("Bazaar Hamburg Altona", "Europe/Berlin", "Große Bergstraße 219, 22767 Hamburg, Germany", false),
        ("Bazaar München Schwabing", "Europe/Berlin", "Leopoldstraße 75, 80802 München, Germany", false),
        ("Bazaar Wien Neubau", "Europe/Vienna", "Neubaugasse 38, 1070 Wien, Austria", false),
        ("Bazaar Warszawa Mokotów", "Europe/Warsaw", "ul. Puławska 102, 02-620 Warszawa, Poland", false),
        ("Bazaar Helsinki Kallio", "Europe/Helsinki", "Helsinginkatu 21, 00500 Helsinki, Finland", true),
    ];

    private static readonly DayOfWeek[][] s_deliverySchedules =
    [
        [DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday],
        [DayOfWeek.Tuesday, DayOfWeek.Thursday, DayOfWeek.Saturday],
    ];

    /// <summary>The stores; sizes (0.6–1.6 of an average store) and delivery days come from <paramref name="random"/>.</summary>
    public static IReadOnlyList<DemoStore> Create(Random random)
    {
        var stores = new List<DemoStore>(s_sites.Length);
        for (var i = 0; i < s_sites.Length; i++)
        {
            var (name, timeZone, address, openOnSunday) = s_sites[i];
            var code = $"{CodePrefix}{i + 1:000}";
            var size = Math.Round(0.6 + random.NextDouble(), 2);
            var deliveries = s_deliverySchedules[random.Next(s_deliverySchedules.Length)];
            stores.Add(new DemoStore(
                i + 1, DeterministicGuid.Create("store/" + code), code, name, timeZone, address, openOnSunday, size,
                new HashSet<DayOfWeek>(deliveries)));
        }

        return stores;
    }
}
