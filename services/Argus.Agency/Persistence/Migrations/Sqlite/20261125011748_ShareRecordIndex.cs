using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Argus.Agency.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ShareRecordIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Shares_Record",
                table: "Shares",
                column: "Record");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Shares_Record",
                table: "Shares");
        }
    }
}
