using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Argus.Agency.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ArrestSubjectHandles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ArrestSubjectHandles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ArrestSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Handle = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArrestSubjectHandles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ArrestSubjectHandles_Arrests_ArrestSequence",
                        column: x => x.ArrestSequence,
                        principalTable: "Arrests",
                        principalColumn: "Sequence",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ArrestSubjectHandles_ArrestSequence",
                table: "ArrestSubjectHandles",
                column: "ArrestSequence");

            migrationBuilder.CreateIndex(
                name: "IX_ArrestSubjectHandles_Type_Handle",
                table: "ArrestSubjectHandles",
                columns: new[] { "Type", "Handle" });

            // The arrests recorded before this key table existed: their subjects' handles, as
            // Handles.Normalize makes them (trimmed, lower case), from the JSON column.
            migrationBuilder.Sql("""
                INSERT INTO "ArrestSubjectHandles" ("ArrestSequence", "Type", "Handle")
                SELECT DISTINCT a."Sequence", CASE CAST(json_extract(e.value, '$.type') AS integer) WHEN 1 THEN 'PhoneNumber' WHEN 2 THEN 'SkyEcc' WHEN 3 THEN 'Encrochat' WHEN 4 THEN 'Email' ELSE 'Other' END, lower(trim(json_extract(e.value, '$.value')))
                FROM "Arrests" a, json_each(a."Subject_CommunicationIdentifiers") e
                WHERE length(trim(json_extract(e.value, '$.value'))) BETWEEN 1 AND 200;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ArrestSubjectHandles");
        }
    }
}
