using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BazaarCstd.Data.Migrations
{
    /// <summary>
    /// Brings products and stores into the EF Core model. The tables exist since InventoryCore (its
    /// SQL made them, with checks and expression indexes EF cannot express), so this migration
    /// changes nothing in the database: it only moves the model snapshot forward.
    /// </summary>
    public partial class MapCatalogAndStores : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
