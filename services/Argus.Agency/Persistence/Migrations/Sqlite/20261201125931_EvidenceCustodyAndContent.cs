using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Argus.Agency.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EvidenceCustodyAndContent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Content_FileName",
                table: "EvidenceItems",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Content_MediaType",
                table: "EvidenceItems",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Content_Sha256",
                table: "EvidenceItems",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Content_SizeBytes",
                table: "EvidenceItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Custodian",
                table: "EvidenceItems",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "CustodyHead",
                table: "EvidenceItems",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "CustodyLength",
                table: "EvidenceItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "IntegrityCompromised",
                table: "EvidenceItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "PendingHandover",
                table: "EvidenceItems",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PendingReceiver",
                table: "EvidenceItems",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CustodyEvents",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ItemSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    ItemName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Index = table.Column<long>(type: "INTEGER", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ActingClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Agency = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Officer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Time = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StorageLocation = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    SealNumber = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Authorisation = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    FromCustodian = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ToCustodian = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Tool = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ToolVersion = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Result = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    VerifiedSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Acknowledges = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    PreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustodyEvents", x => x.Sequence);
                    table.ForeignKey(
                        name: "FK_CustodyEvents_EvidenceItems_ItemSequence",
                        column: x => x.ItemSequence,
                        principalTable: "EvidenceItems",
                        principalColumn: "Sequence",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EvidenceContentChunks",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Offset = table.Column<long>(type: "INTEGER", nullable: false),
                    Length = table.Column<int>(type: "INTEGER", nullable: false),
                    Data = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidenceContentChunks", x => new { x.Key, x.Offset });
                });

            migrationBuilder.CreateTable(
                name: "EvidenceUploads",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ItemSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    ItemName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    MediaType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DiscardReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidenceUploads", x => x.Sequence);
                    table.ForeignKey(
                        name: "FK_EvidenceUploads_EvidenceItems_ItemSequence",
                        column: x => x.ItemSequence,
                        principalTable: "EvidenceItems",
                        principalColumn: "Sequence",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReceivedEvidence",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ItemName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Handover = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    VerifiedSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceiveTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReceivedEvidence", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CustodyEvents_ItemSequence_Index",
                table: "CustodyEvents",
                columns: new[] { "ItemSequence", "Index" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceUploads_Id",
                table: "EvidenceUploads",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceUploads_ItemSequence",
                table: "EvidenceUploads",
                column: "ItemSequence");

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceUploads_RequestId",
                table: "EvidenceUploads",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReceivedEvidence_Owner_ItemName_Handover",
                table: "ReceivedEvidence",
                columns: new[] { "Owner", "ItemName", "Handover" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CustodyEvents");

            migrationBuilder.DropTable(
                name: "EvidenceContentChunks");

            migrationBuilder.DropTable(
                name: "EvidenceUploads");

            migrationBuilder.DropTable(
                name: "ReceivedEvidence");

            migrationBuilder.DropColumn(
                name: "Content_FileName",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "Content_MediaType",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "Content_Sha256",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "Content_SizeBytes",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "Custodian",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "CustodyHead",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "CustodyLength",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "IntegrityCompromised",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "PendingHandover",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "PendingReceiver",
                table: "EvidenceItems");
        }
    }
}
