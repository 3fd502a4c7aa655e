using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Argus.Agency.Persistence.Migrations.Postgres
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
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Content_MediaType",
                table: "EvidenceItems",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Content_Sha256",
                table: "EvidenceItems",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Content_SizeBytes",
                table: "EvidenceItems",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Custodian",
                table: "EvidenceItems",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "CustodyHead",
                table: "EvidenceItems",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "CustodyLength",
                table: "EvidenceItems",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "IntegrityCompromised",
                table: "EvidenceItems",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "PendingHandover",
                table: "EvidenceItems",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PendingReceiver",
                table: "EvidenceItems",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CustodyEvents",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ItemSequence = table.Column<long>(type: "bigint", nullable: false),
                    ItemName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Index = table.Column<long>(type: "bigint", nullable: false),
                    Action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ActingClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Agency = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Officer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StorageLocation = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    SealNumber = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Authorisation = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    FromCustodian = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ToCustodian = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Purpose = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Tool = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ToolVersion = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Result = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    VerifiedSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Acknowledges = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    PreviousHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
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
                    Key = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Offset = table.Column<long>(type: "bigint", nullable: false),
                    Length = table.Column<int>(type: "integer", nullable: false),
                    Data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidenceContentChunks", x => new { x.Key, x.Offset });
                });

            // Content is already compressed or random: storing it as is spares PostgreSQL a futile compression attempt per chunk.
            migrationBuilder.Sql("ALTER TABLE \"EvidenceContentChunks\" ALTER COLUMN \"Data\" SET STORAGE EXTERNAL;");

            migrationBuilder.CreateTable(
                name: "EvidenceUploads",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ItemSequence = table.Column<long>(type: "bigint", nullable: false),
                    ItemName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    MediaType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FileName = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RequestId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DiscardReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
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
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Owner = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ItemName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Handover = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    VerifiedSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    ReceiveTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
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
