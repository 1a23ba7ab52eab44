using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TbScreen.Screening.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SiteProfiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "DecisionThreshold",
                table: "ScreeningResults",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SiteMatchedBy",
                table: "ScreeningResults",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SiteName",
                table: "ScreeningResults",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SiteProfileVersion",
                table: "ScreeningResults",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "BitsStored",
                table: "Images",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Columns",
                table: "Images",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PhotometricInterpretation",
                table: "Images",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Rows",
                table: "Images",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StationName",
                table: "Images",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Sites",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    RulesJson = table.Column<string>(type: "TEXT", nullable: false),
                    ActiveVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Sites", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SiteProfiles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    TargetSensitivity = table.Column<double>(type: "REAL", nullable: false),
                    Sensitivity = table.Column<double>(type: "REAL", nullable: false),
                    SensitivityLow = table.Column<double>(type: "REAL", nullable: true),
                    SensitivityHigh = table.Column<double>(type: "REAL", nullable: true),
                    Specificity = table.Column<double>(type: "REAL", nullable: false),
                    SpecificityLow = table.Column<double>(type: "REAL", nullable: true),
                    SpecificityHigh = table.Column<double>(type: "REAL", nullable: true),
                    Positives = table.Column<int>(type: "INTEGER", nullable: false),
                    Negatives = table.Column<int>(type: "INTEGER", nullable: false),
                    SampleSha256 = table.Column<string>(type: "TEXT", nullable: false),
                    SampleSource = table.Column<string>(type: "TEXT", nullable: false),
                    SampleJson = table.Column<string>(type: "TEXT", nullable: false),
                    Replicates = table.Column<int>(type: "INTEGER", nullable: false),
                    Seed = table.Column<int>(type: "INTEGER", nullable: false),
                    WarningsJson = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ApprovedBy = table.Column<string>(type: "TEXT", nullable: true),
                    ApprovedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiteProfiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SiteProfiles_Sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "Sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ScreeningResults_SiteName",
                table: "ScreeningResults",
                column: "SiteName");

            migrationBuilder.CreateIndex(
                name: "IX_SiteProfiles_SiteId_Version",
                table: "SiteProfiles",
                columns: new[] { "SiteId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Sites_Name",
                table: "Sites",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SiteProfiles");

            migrationBuilder.DropTable(
                name: "Sites");

            migrationBuilder.DropIndex(
                name: "IX_ScreeningResults_SiteName",
                table: "ScreeningResults");

            migrationBuilder.DropColumn(
                name: "DecisionThreshold",
                table: "ScreeningResults");

            migrationBuilder.DropColumn(
                name: "SiteMatchedBy",
                table: "ScreeningResults");

            migrationBuilder.DropColumn(
                name: "SiteName",
                table: "ScreeningResults");

            migrationBuilder.DropColumn(
                name: "SiteProfileVersion",
                table: "ScreeningResults");

            migrationBuilder.DropColumn(
                name: "BitsStored",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "Columns",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "PhotometricInterpretation",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "Rows",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "StationName",
                table: "Images");
        }
    }
}
