using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Argus.Agency.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InterceptDatasets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InterceptDatasetContents",
                columns: table => new
                {
                    Key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Owner = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Dataset = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Foreign = table.Column<bool>(type: "boolean", nullable: false),
                    NextSequence = table.Column<long>(type: "bigint", nullable: false),
                    MessageCount = table.Column<long>(type: "bigint", nullable: false),
                    Indexed = table.Column<bool>(type: "boolean", nullable: false),
                    FullTextIndexed = table.Column<bool>(type: "boolean", nullable: false),
                    ActiveImport = table.Column<long>(type: "bigint", nullable: true),
                    PullCursor = table.Column<long>(type: "bigint", nullable: false),
                    SharedHandles = table.Column<List<string>>(type: "text[]", nullable: false),
                    SharedFrom = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SharedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdateTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InterceptDatasetContents", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "InterceptDatasets",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Source = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    AuthorisationReference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AuthorisedFrom = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AuthorisedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SharedHandles = table.Column<List<string>>(type: "text[]", nullable: false),
                    SharedFrom = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SharedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
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
                    table.PrimaryKey("PK_InterceptDatasets", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "InterceptImports",
                columns: table => new
                {
                    Key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    DatasetKey = table.Column<long>(type: "bigint", nullable: false),
                    Dataset = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Format = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Imported = table.Column<long>(type: "bigint", nullable: false),
                    Rejected = table.Column<long>(type: "bigint", nullable: false),
                    Duplicates = table.Column<long>(type: "bigint", nullable: false),
                    CommittedBytes = table.Column<long>(type: "bigint", nullable: false),
                    CommittedLines = table.Column<long>(type: "bigint", nullable: false),
                    CsvHeader = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Rejections = table.Column<string>(type: "character varying(64000)", maxLength: 64000, nullable: false),
                    ClientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    StartTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EndTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InterceptImports", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InterceptDatasetContents_Owner_Dataset",
                table: "InterceptDatasetContents",
                columns: new[] { "Owner", "Dataset" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InterceptDatasets_OperationId_Id",
                table: "InterceptDatasets",
                columns: new[] { "OperationId", "Id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InterceptDatasets_RequestId",
                table: "InterceptDatasets",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InterceptImports_DatasetKey",
                table: "InterceptImports",
                column: "DatasetKey");

            migrationBuilder.CreateIndex(
                name: "IX_InterceptImports_Id",
                table: "InterceptImports",
                column: "Id",
                unique: true);

            // The messages are not EF entities: millions of rows, written with binary COPY and read
            // with SQL of our own (Intercepts/Messages/PostgresMessageStore). One partition per
            // dataset, created with the dataset's first import or pull, indexed after its first load.
            migrationBuilder.Sql("""
                CREATE TABLE intercepted_messages (
                    dataset_key bigint NOT NULL,
                    sequence bigint NOT NULL,
                    source_id text NOT NULL,
                    sent_time timestamptz NOT NULL,
                    sender text NOT NULL,
                    recipient text NOT NULL,
                    sender_device text,
                    recipient_device text,
                    decrypted boolean NOT NULL,
                    body text,
                    attachments text,
                    import_key bigint NOT NULL
                ) PARTITION BY LIST (dataset_key);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS intercepted_messages CASCADE;");

            migrationBuilder.DropTable(
                name: "InterceptDatasetContents");

            migrationBuilder.DropTable(
                name: "InterceptDatasets");

            migrationBuilder.DropTable(
                name: "InterceptImports");
        }
    }
}
