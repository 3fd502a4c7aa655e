using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Argus.Agency.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Sharing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Shares",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OperationId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Record = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Recipient = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    SharedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RevokeTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    Handling_Code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Handling_Restrictions = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Shares", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Shares_OperationId_Id",
                table: "Shares",
                columns: new[] { "OperationId", "Id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Shares_Recipient_Record",
                table: "Shares",
                columns: new[] { "Recipient", "Record" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Shares");
        }
    }
}
