using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BazaarCstd.Data.Migrations
{
    /// <inheritdoc />
    public partial class CreateBazaarSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(name: "bazaar");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP SCHEMA IF EXISTS bazaar CASCADE;");
        }
    }
}
