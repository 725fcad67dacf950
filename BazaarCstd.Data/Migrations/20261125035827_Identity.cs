using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BazaarCstd.Data.Migrations
{
    /// <inheritdoc />
    public partial class Identity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlScripts.Read("003_identity.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION IF EXISTS bazaar.record_movements_scoped(jsonb, uuid, uuid, text, uuid[]);
                DROP TABLE IF EXISTS bazaar.refresh_tokens, bazaar.user_stores, bazaar.user_roles, bazaar.users;
                """);
        }
    }
}
