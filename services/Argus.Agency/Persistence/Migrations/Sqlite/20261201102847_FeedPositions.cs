using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Argus.Agency.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FeedPositions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RoutePosition",
                table: "OutboxMessages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_RoutingKey_RoutePosition",
                table: "OutboxMessages",
                columns: new[] { "RoutingKey", "RoutePosition" },
                unique: true);

            // Sync cursors were the owner's global event sequence and are now places in the
            // reader's own feed: a copy's stored cursor starts over (the inbox drops what it saw).
            migrationBuilder.Sql("UPDATE \"SyncCursors\" SET \"Cursor\" = 0;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_RoutingKey_RoutePosition",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "RoutePosition",
                table: "OutboxMessages");
        }
    }
}
