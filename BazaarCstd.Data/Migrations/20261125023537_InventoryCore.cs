using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BazaarCstd.Data.Migrations
{
    /// <inheritdoc />
    public partial class InventoryCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlScripts.Read("001_inventory_core.sql"));
            migrationBuilder.Sql(SqlScripts.Read("002_record_movements.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION IF EXISTS bazaar.record_movements(jsonb, uuid, uuid, text);
                DROP TABLE IF EXISTS bazaar.idempotency_keys, bazaar.inventory_events;
                DROP FUNCTION IF EXISTS bazaar.verify_stock_levels();
                DROP VIEW IF EXISTS bazaar.current_inventory;
                DROP TABLE IF EXISTS bazaar.stock_levels, bazaar.stock_movements, bazaar.stores, bazaar.products;
                DROP FUNCTION IF EXISTS bazaar.ensure_movement_partitions(date, int), bazaar.reject_movement_change(), bazaar.touch_updated_at();
                """);
        }
    }
}
