using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BazaarCstd.Data.Migrations
{
    /// <inheritdoc />
    public partial class StockSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlScripts.Read("009_stock_snapshots.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlScripts.Read("009_stock_snapshots.down.sql"));
        }
    }
}
