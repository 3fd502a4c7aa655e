using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Argus.Agency.Persistence.Migrations.Sqlite
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
                    Key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Dataset = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Foreign = table.Column<bool>(type: "INTEGER", nullable: false),
                    NextSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    MessageCount = table.Column<long>(type: "INTEGER", nullable: false),
                    Indexed = table.Column<bool>(type: "INTEGER", nullable: false),
                    FullTextIndexed = table.Column<bool>(type: "INTEGER", nullable: false),
                    ActiveImport = table.Column<long>(type: "INTEGER", nullable: true),
                    PullCursor = table.Column<long>(type: "INTEGER", nullable: false),
                    SharedHandles = table.Column<string>(type: "TEXT", nullable: false),
                    SharedFrom = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    SharedUntil = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    UpdateTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InterceptDatasetContents", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "InterceptDatasets",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    AuthorisationReference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AuthorisedFrom = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    AuthorisedUntil = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    SharedHandles = table.Column<string>(type: "TEXT", nullable: false),
                    SharedFrom = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    SharedUntil = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
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
                    table.PrimaryKey("PK_InterceptDatasets", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "InterceptImports",
                columns: table => new
                {
                    Key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DatasetKey = table.Column<long>(type: "INTEGER", nullable: false),
                    Dataset = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Imported = table.Column<long>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<long>(type: "INTEGER", nullable: false),
                    Duplicates = table.Column<long>(type: "INTEGER", nullable: false),
                    CommittedBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    CommittedLines = table.Column<long>(type: "INTEGER", nullable: false),
                    CsvHeader = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Rejections = table.Column<string>(type: "TEXT", maxLength: 64000, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    StartTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    EndTime = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
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

            // The messages are not EF entities: millions of rows, written with prepared inserts in
            // large transactions and read with SQL of our own (Intercepts/Messages/SqliteMessageStore);
            // the decrypted text is in an external-content FTS5 index.
            migrationBuilder.Sql("""
                CREATE TABLE intercepted_messages (
                    dataset_key INTEGER NOT NULL,
                    sequence INTEGER NOT NULL,
                    source_id TEXT NOT NULL,
                    sent_time INTEGER NOT NULL,
                    sender TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    sender_device TEXT,
                    recipient_device TEXT,
                    decrypted INTEGER NOT NULL,
                    body TEXT,
                    attachments TEXT,
                    import_key INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX ix_intercepted_messages_source ON intercepted_messages (dataset_key, source_id);
                CREATE INDEX ix_intercepted_messages_sequence ON intercepted_messages (dataset_key, sequence);
                CREATE INDEX ix_intercepted_messages_sender ON intercepted_messages (dataset_key, sender, sent_time, sequence);
                CREATE INDEX ix_intercepted_messages_recipient ON intercepted_messages (dataset_key, recipient, sent_time, sequence);
                CREATE INDEX ix_intercepted_messages_time ON intercepted_messages (dataset_key, sent_time, sequence);
                CREATE VIRTUAL TABLE intercepted_messages_text USING fts5(body, content='intercepted_messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS intercepted_messages_text; DROP TABLE IF EXISTS intercepted_messages;");

            migrationBuilder.DropTable(
                name: "InterceptDatasetContents");

            migrationBuilder.DropTable(
                name: "InterceptDatasets");

            migrationBuilder.DropTable(
                name: "InterceptImports");
        }
    }
}
