using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TbScreen.Screening.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ArchivePulls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ArchivePulls",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Archive = table.Column<string>(type: "TEXT", nullable: false),
                    Criteria = table.Column<string>(type: "TEXT", nullable: false),
                    StartedBy = table.Column<string>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StudiesJson = table.Column<string>(type: "TEXT", nullable: false),
                    Studies = table.Column<int>(type: "INTEGER", nullable: false),
                    StudiesDone = table.Column<int>(type: "INTEGER", nullable: false),
                    Received = table.Column<int>(type: "INTEGER", nullable: false),
                    NotTaken = table.Column<int>(type: "INTEGER", nullable: false),
                    Refused = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArchivePulls", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ArchivePulls_FinishedAt",
                table: "ArchivePulls",
                column: "FinishedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ArchivePulls");
        }
    }
}
