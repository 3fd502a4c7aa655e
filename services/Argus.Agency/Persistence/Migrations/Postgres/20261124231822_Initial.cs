using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Argus.Agency.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Arrests",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ArrestTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ArrestingAgency = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Offences = table.Column<string>(type: "text", nullable: false),
                    LegalBasis = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    CustodyStatus = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    HouseSearchId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Handling_Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Handling_Restrictions = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Place_Country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    Place_Municipality = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Place_PostalCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Place_StreetAddress = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Subject_Aliases = table.Column<string>(type: "text", nullable: false),
                    Subject_Category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Subject_CommunicationIdentifiers = table.Column<string>(type: "text", nullable: false),
                    Subject_DateOfBirth = table.Column<DateOnly>(type: "date", nullable: false),
                    Subject_FamilyName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Subject_GivenNames = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Subject_NationalIdentifierCountry = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    Subject_NationalIdentifierValue = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Subject_Nationalities = table.Column<string>(type: "text", nullable: false),
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    OwnerAgency = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RequestId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    RequestFingerprint = table.Column<byte[]>(type: "bytea", nullable: true),
                    OperationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Arrests", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "EvidenceItems",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExhibitNumber = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    SeizeTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HouseSearchId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ArrestId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    StorageLocation = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Handling_Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Handling_Restrictions = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Quantity_Amount = table.Column<double>(type: "double precision", nullable: false),
                    Quantity_Unit = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SeizedAt_Country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    SeizedAt_Municipality = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    SeizedAt_PostalCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SeizedAt_StreetAddress = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    OwnerAgency = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RequestId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    RequestFingerprint = table.Column<byte[]>(type: "bytea", nullable: true),
                    OperationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidenceItems", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "HouseSearches",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SearchTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WarrantReference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AuthorisedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ResultSummary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    SearchingAgency = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Address_Country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    Address_Municipality = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Address_PostalCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Address_StreetAddress = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Handling_Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Handling_Restrictions = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    OwnerAgency = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RequestId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    RequestFingerprint = table.Column<byte[]>(type: "bytea", nullable: true),
                    OperationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HouseSearches", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "Operations",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CodeName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    InternalCaseNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LeadAgency = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ParticipatingAgencies = table.Column<string>(type: "text", nullable: false),
                    LegalBasis = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StartTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EndTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Classification = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Handling_Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Handling_Restrictions = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    OwnerAgency = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RequestId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    RequestFingerprint = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Operations", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Arrests_OperationId_Id",
                table: "Arrests",
                columns: new[] { "OperationId", "Id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Arrests_RequestId",
                table: "Arrests",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceItems_OperationId_ExhibitNumber",
                table: "EvidenceItems",
                columns: new[] { "OperationId", "ExhibitNumber" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceItems_OperationId_Id",
                table: "EvidenceItems",
                columns: new[] { "OperationId", "Id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceItems_RequestId",
                table: "EvidenceItems",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HouseSearches_OperationId_Id",
                table: "HouseSearches",
                columns: new[] { "OperationId", "Id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HouseSearches_RequestId",
                table: "HouseSearches",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Operations_Id",
                table: "Operations",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Operations_RequestId",
                table: "Operations",
                column: "RequestId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Arrests");

            migrationBuilder.DropTable(
                name: "EvidenceItems");

            migrationBuilder.DropTable(
                name: "HouseSearches");

            migrationBuilder.DropTable(
                name: "Operations");
        }
    }
}
