using System.Globalization;

namespace BazaarCstd.MigrationService.DemoData;

/// <summary>
/// The demo catalog: ten supermarket categories of fifteen items, each item sold in two variants
/// (the chain's own label and a brand, or loose and organic), so 300 products. Brands are invented.
/// </summary>
public static class DemoCatalog
{
    private static readonly CatalogVariant s_ownLabel = new("Bazaar", 0.80m, 0.7, Description: "Bazaar own label.");
    private static readonly CatalogVariant s_loose = new("", 1.00m, 0.8);
    private static readonly CatalogVariant s_organic = new("Organic", 1.55m, 0.3, IsAdjective: true, Description: "Certified organic.");

    private static CatalogVariant Brand(string name) => new(name, 1.00m, 0.4);

    public static readonly IReadOnlyList<CatalogCategory> Categories =
    [
        new("Beverages", "BEV", [s_ownLabel, Brand("Clearbrook")],
        [
            new("Still water 1.5 l", "each", 0.59m, 7),
            new("Sparkling water 1.5 l", "each", 0.65m, 5),
            new("Still water 6 x 1.5 l", "pack", 3.29m, 1.5),
            new("Orange juice 1 l", "each", 1.89m, 4),
            new("Apple juice 1 l", "each", 1.69m, 3),
            new("Cola 1.5 l", "each", 1.79m, 4.5),
            new("Cola zero 330 ml can", "each", 0.79m, 6),
            new("Lemonade 1 l", "each", 1.29m, 2),
            new("Peach iced tea 1.5 l", "each", 1.49m, 2),
            new("Tonic water 1 l", "each", 1.39m, 1),
            new("Energy drink 250 ml", "each", 1.19m, 3.5),
            new("Ground coffee 500 g", "each", 5.49m, 1.5),
            new("Coffee beans 1 kg", "each", 12.99m, 0.6),
            new("Black tea 80 bags", "each", 3.29m, 0.75),
            new("Green tea 20 bags", "each", 2.19m, 0.5),
        ]),
        new("Dairy", "DAI", [s_ownLabel, Brand("Green Pasture")],
        [
            new("Whole milk 1 l", "each", 1.19m, 11, Perishable: true),
            new("Semi-skimmed milk 1 l", "each", 1.09m, 9, Perishable: true),
            new("Butter 250 g", "each", 2.49m, 3, Perishable: true),
            new("Natural yoghurt 500 g", "each", 1.29m, 3.5, Perishable: true),
            new("Greek yoghurt 500 g", "each", 2.39m, 2, Perishable: true),
            new("Strawberry yoghurt 4 x 125 g", "pack", 1.99m, 2, Perishable: true),
            new("Free-range eggs 12", "pack", 3.49m, 4, Perishable: true),
            new("Mature cheddar 400 g", "each", 3.99m, 2.5, Perishable: true),
            new("Gouda slices 200 g", "each", 2.29m, 2.5, Perishable: true),
            new("Mozzarella 125 g", "each", 0.99m, 3, Perishable: true),
            new("Cream cheese 200 g", "each", 1.49m, 2, Perishable: true),
            new("Double cream 300 ml", "each", 1.59m, 1.5, Perishable: true),
            new("Feta 200 g", "each", 2.19m, 1, Perishable: true),
            new("Parmesan (deli counter)", "kg", 24.90m, 0.3, Perishable: true),
            new("Oat drink 1 l", "each", 1.99m, 2),
        ]),
        new("Bakery", "BAK", [s_ownLabel, Brand("Old Mill")],
        [
            new("White sandwich loaf 800 g", "each", 1.09m, 7, Perishable: true),
            new("Wholemeal loaf 800 g", "each", 1.29m, 4.5, Perishable: true),
            new("Sourdough loaf", "each", 2.99m, 2.5, Perishable: true),
            new("Baguette", "each", 0.89m, 8, Perishable: true),
            new("Croissants 4 pack", "pack", 1.99m, 3, Perishable: true),
            new("Bread rolls 6 pack", "pack", 1.49m, 4, Perishable: true),
            new("Bagels 5 pack", "pack", 1.79m, 1.5, Perishable: true),
            new("Tortilla wraps 8 pack", "pack", 1.59m, 2, Perishable: true),
            new("Pain au chocolat 4 pack", "pack", 2.29m, 1.5, Perishable: true),
            new("Cinnamon swirl", "each", 1.19m, 2, Perishable: true),
            new("Blueberry muffins 2 pack", "pack", 1.99m, 1.5, Perishable: true),
            new("Rye bread 500 g", "each", 1.79m, 1, Perishable: true),
            new("Pitta bread 6 pack", "pack", 1.09m, 1.5, Perishable: true),
            new("Crumpets 6 pack", "pack", 0.99m, 1.5, Perishable: true),
            new("Brioche buns 4 pack", "pack", 1.89m, 1, Perishable: true),
        ]),
        new("Produce", "PRO", [s_loose, s_organic],
        [
            new("Bananas", "kg", 1.49m, 6, Perishable: true),
            new("Gala apples", "kg", 2.49m, 3.5, Perishable: true),
            new("Oranges", "kg", 2.29m, 2.5, Perishable: true),
            new("Lemons", "each", 0.35m, 4, Perishable: true),
            new("Vine tomatoes", "kg", 3.49m, 2.5, Perishable: true),
            new("Cucumber", "each", 0.69m, 4.5, Perishable: true),
            new("Iceberg lettuce", "each", 0.89m, 2.5, Perishable: true),
            new("Carrots", "kg", 0.99m, 3, Perishable: true),
            new("Potatoes", "kg", 1.19m, 5, Perishable: true),
            new("Onions", "kg", 1.09m, 3, Perishable: true),
            new("Red peppers", "each", 0.79m, 4, Perishable: true),
            new("Broccoli", "each", 1.19m, 2.5, Perishable: true),
            new("Avocados", "each", 0.99m, 3, Perishable: true),
            new("Strawberries 400 g", "each", 2.99m, 2.5, Perishable: true),
            new("Seedless grapes", "kg", 4.49m, 1.5, Perishable: true),
        ]),
        new("Snacks", "SNK", [s_ownLabel, Brand("Crunchwell")],
        [
            new("Salted crisps 150 g", "each", 1.49m, 3.5),
            new("Paprika crisps 150 g", "each", 1.49m, 2.5),
            new("Tortilla chips 200 g", "each", 1.79m, 2),
            new("Salted peanuts 200 g", "each", 1.59m, 1.5),
            new("Mixed nuts 200 g", "each", 3.49m, 1),
            new("Milk chocolate 100 g", "each", 1.29m, 5),
            new("Dark chocolate 70% 100 g", "each", 1.69m, 2),
            new("Chocolate biscuits 300 g", "each", 1.99m, 2.5),
            new("Digestive biscuits 400 g", "each", 1.29m, 2),
            new("Gummy bears 200 g", "each", 1.19m, 3),
            new("Sweet popcorn 100 g", "each", 1.39m, 1.5),
            new("Pretzels 200 g", "each", 1.29m, 1.5),
            new("Cereal bars 6 pack", "pack", 2.49m, 2),
            new("Rice cakes 130 g", "each", 1.09m, 1),
            new("Trail mix (pick and mix)", "kg", 12.90m, 0.25),
        ]),
        new("Household", "HOU", [s_ownLabel, Brand("Brightway")],
        [
            new("Toilet paper 9 rolls", "pack", 4.99m, 3),
            new("Kitchen towels 2 rolls", "pack", 2.29m, 2),
            new("Washing-up liquid 500 ml", "each", 1.29m, 1.5),
            new("Laundry detergent 2 l", "each", 7.99m, 1),
            new("Dishwasher tablets 40", "pack", 6.49m, 1),
            new("All-purpose cleaner 750 ml", "each", 1.99m, 1),
            new("Bin bags 30 l 20 pack", "pack", 1.99m, 1.5),
            new("Sponges 5 pack", "pack", 1.49m, 1),
            new("Aluminium foil 10 m", "each", 1.79m, 0.75),
            new("Cling film 30 m", "each", 1.59m, 0.75),
            new("AA batteries 4 pack", "pack", 3.99m, 0.75),
            new("LED bulb 9 W", "each", 2.99m, 0.5),
            new("Tea lights 50 pack", "pack", 2.99m, 0.5),
            new("Laundry detergent refill station", "l", 2.40m, 0.6),
            new("Clothesline (by the metre)", "m", 0.35m, 1),
        ]),
        new("Personal Care", "PER", [s_ownLabel, Brand("Softleaf")],
        [
            new("Toothpaste 75 ml", "each", 1.79m, 2),
            new("Toothbrush medium", "each", 1.99m, 1),
            new("Shampoo 400 ml", "each", 3.49m, 1.5),
            new("Conditioner 400 ml", "each", 3.49m, 1),
            new("Shower gel 250 ml", "each", 1.99m, 2),
            new("Hand soap 300 ml", "each", 1.49m, 1.5),
            new("Deodorant 150 ml", "each", 2.49m, 1.5),
            new("Razor blades 4 pack", "pack", 8.99m, 0.5),
            new("Cotton pads 80 pack", "pack", 1.29m, 1),
            new("Sun cream SPF 30 200 ml", "each", 6.99m, 0.5),
            new("Body lotion 400 ml", "each", 3.99m, 0.75),
            new("Tissues 10 pack", "pack", 1.99m, 1.5),
            new("Lip balm", "each", 1.99m, 1),
            new("Baby wipes 64 pack", "pack", 1.49m, 1.5),
            new("Plasters 40 pack", "pack", 2.49m, 0.5),
        ]),
        new("Frozen", "FRZ", [s_ownLabel, Brand("Polar Bay")],
        [
            new("Garden peas 1 kg", "each", 1.99m, 2),
            new("Mixed vegetables 1 kg", "each", 2.19m, 1.5),
            new("Oven chips 1.5 kg", "each", 2.79m, 2),
            new("Margherita pizza", "each", 2.49m, 3),
            new("Pepperoni pizza", "each", 2.99m, 2.5),
            new("Fish fingers 10 pack", "pack", 2.49m, 1.5),
            new("Vanilla ice cream 1 l", "each", 2.99m, 2),
            new("Chocolate ice cream 1 l", "each", 2.99m, 1.5),
            new("Ice lollies 6 pack", "pack", 2.49m, 1),
            new("Mixed berries 500 g", "each", 3.29m, 1),
            new("Chicken nuggets 500 g", "each", 3.49m, 1.5),
            new("Veggie burgers 4 pack", "pack", 2.99m, 1),
            new("Cooked prawns 250 g", "each", 4.49m, 0.75),
            new("Spinach portions 450 g", "each", 1.49m, 0.75),
            new("Ice cubes 2 kg", "each", 1.29m, 1.5),
        ]),
        new("Pantry", "PAN", [s_ownLabel, Brand("Golden Grain")],
        [
            new("Spaghetti 500 g", "each", 0.99m, 4),
            new("Penne 500 g", "each", 0.99m, 3),
            new("Basmati rice 1 kg", "each", 2.49m, 2),
            new("Chopped tomatoes 400 g", "each", 0.59m, 4.5),
            new("Tomato passata 500 g", "each", 0.89m, 2.5),
            new("Red lentils 500 g", "each", 1.39m, 1),
            new("Chickpeas 400 g", "each", 0.69m, 2),
            new("Plain flour 1 kg", "each", 0.89m, 1.5),
            new("Granulated sugar 1 kg", "each", 1.19m, 1.5),
            new("Extra virgin olive oil 750 ml", "each", 6.99m, 1.5),
            new("Sunflower oil 1 l", "each", 2.29m, 1.5),
            new("Porridge oats 1 kg", "each", 1.49m, 1.5),
            new("Cornflakes 500 g", "each", 2.29m, 2),
            new("Peanut butter 340 g", "each", 2.19m, 1),
            new("Olive oil refill station", "l", 9.90m, 0.4),
        ]),
        new("Meat & Fish", "MEA", [s_loose, s_organic],
        [
            new("Chicken breast fillets 500 g", "each", 4.99m, 3, Perishable: true),
            new("Whole chicken", "each", 6.49m, 1, Perishable: true),
            new("Beef mince 500 g", "each", 4.49m, 3, Perishable: true),
            new("Pork sausages 6 pack", "pack", 2.99m, 2.5, Perishable: true),
            new("Smoked bacon 200 g", "each", 2.49m, 2.5, Perishable: true),
            new("Cooked ham slices 150 g", "each", 1.99m, 3, Perishable: true),
            new("Salami slices 100 g", "each", 1.79m, 1.5, Perishable: true),
            new("Salmon fillets 2 pack", "pack", 4.99m, 1.5, Perishable: true),
            new("Cod fillets 2 pack", "pack", 4.49m, 1, Perishable: true),
            new("Tuna in olive oil 160 g", "each", 1.59m, 2),
            new("Sirloin steak (butcher counter)", "kg", 24.90m, 0.6, Perishable: true),
            new("Pork chops (butcher counter)", "kg", 8.90m, 0.5, Perishable: true),
            new("Lamb shoulder (butcher counter)", "kg", 14.90m, 0.25, Perishable: true),
            new("Raw king prawns (fish counter)", "kg", 19.90m, 0.25, Perishable: true),
            new("Sliced turkey 150 g", "each", 2.29m, 1.5, Perishable: true),
        ]),
    ];

    /// <summary>The 300 products, in SKU order. Ids are derived from the SKU.</summary>
    public static IReadOnlyList<DemoProduct> Products()
    {
        var products = new List<DemoProduct>();
        for (var c = 0; c < Categories.Count; c++)
        {
            var category = Categories[c];
            var number = 0;
            for (var i = 0; i < category.Items.Count; i++)
            {
                var item = category.Items[i];
                for (var v = 0; v < category.Variants.Count; v++)
                {
                    var variant = category.Variants[v];
                    number++;
                    var sku = $"{category.SkuPrefix}-{number:0000}";
                    var name = variant.Prefix.Length == 0 ? item.Name
                        : variant.IsAdjective ? $"{variant.Prefix} {char.ToLowerInvariant(item.Name[0])}{item.Name[1..]}"
                        : $"{variant.Prefix} {item.Name}";
                    var whole = item.Unit is "each" or "pack";
                    var demand = item.DailyDemand * variant.DemandFactor;
                    var description = whole ? variant.Description : $"{variant.Description} Sold by the {UnitName(item.Unit)}.".TrimStart();
                    var reorderPoint = whole
                        ? Math.Max(2m, Math.Ceiling((decimal)demand * 1.5m))
                        : Math.Max(0.5m, Math.Round((decimal)demand * 1.5m, 1));
                    products.Add(new DemoProduct(
                        DeterministicGuid.Create("product/" + sku),
                        sku,
                        name,
                        description,
                        category.Name,
                        item.Unit,
                        variant.PriceFactor == 1m ? item.Price : Math.Round(item.Price * variant.PriceFactor, 1) - 0.01m,
                        whole ? Ean13($"21{c:00}{i:0000}{v:0}000") : null,
                        reorderPoint,
                        demand,
                        item.Perishable));
                }
            }
        }

        return products;
    }

    private static string UnitName(string unit) => unit switch
    {
        "kg" => "kilogram",
        "l" => "litre",
        "m" => "metre",
        _ => unit,
    };

    /// <summary>Appends the EAN-13 check digit to twelve digits (prefix 21: a chain's in-store range).</summary>
    private static string Ean13(string twelveDigits)
    {
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            var digit = twelveDigits[i] - '0';
            sum += i % 2 == 0 ? digit : digit * 3;
        }

        return twelveDigits + ((10 - (sum % 10)) % 10).ToString(CultureInfo.InvariantCulture);
    }
}
