using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Argus.Agency.Persistence.Migrations.Sqlite
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
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ArrestTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    ArrestingAgency = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Offences = table.Column<string>(type: "TEXT", nullable: false),
                    LegalBasis = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    CustodyStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    HouseSearchId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Handling_Code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Handling_Restrictions = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Place_Country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    Place_Municipality = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Place_PostalCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Place_StreetAddress = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Subject_Aliases = table.Column<string>(type: "TEXT", nullable: false),
                    Subject_Category = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Subject_CommunicationIdentifiers = table.Column<string>(type: "TEXT", nullable: false),
                    Subject_DateOfBirth = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Subject_FamilyName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Subject_GivenNames = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Subject_NationalIdentifierCountry = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    Subject_NationalIdentifierValue = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Subject_Nationalities = table.Column<string>(type: "TEXT", nullable: false),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OwnerAgency = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    UpdateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    RequestFingerprint = table.Column<byte[]>(type: "BLOB", nullable: true),
                    OperationId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Arrests", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "EvidenceItems",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ExhibitNumber = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    SeizeTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    HouseSearchId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ArrestId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    StorageLocation = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Handling_Code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Handling_Restrictions = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Quantity_Amount = table.Column<double>(type: "REAL", nullable: false),
                    Quantity_Unit = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SeizedAt_Country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    SeizedAt_Municipality = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SeizedAt_PostalCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SeizedAt_StreetAddress = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OwnerAgency = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    UpdateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    RequestFingerprint = table.Column<byte[]>(type: "BLOB", nullable: true),
                    OperationId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidenceItems", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "HouseSearches",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SearchTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    WarrantReference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AuthorisedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ResultSummary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    SearchingAgency = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Address_Country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    Address_Municipality = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Address_PostalCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Address_StreetAddress = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Handling_Code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Handling_Restrictions = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OwnerAgency = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    UpdateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    RequestFingerprint = table.Column<byte[]>(type: "BLOB", nullable: true),
                    OperationId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HouseSearches", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "Operations",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CodeName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    InternalCaseNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LeadAgency = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ParticipatingAgencies = table.Column<string>(type: "TEXT", nullable: false),
                    LegalBasis = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StartTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    EndTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    Classification = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Handling_Code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Handling_Restrictions = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OwnerAgency = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    CreateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    UpdateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    RequestFingerprint = table.Column<byte[]>(type: "BLOB", nullable: true)
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
