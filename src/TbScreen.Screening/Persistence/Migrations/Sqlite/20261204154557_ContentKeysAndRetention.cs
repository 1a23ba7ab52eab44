using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TbScreen.Screening.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ContentKeysAndRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "UidConflict",
                table: "ScreeningResults",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "PixelSha256",
                table: "Images",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SourcePurgedAt",
                table: "Images",
                type: "TEXT",
                nullable: true);

            ContentKeysData.Up(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "UidConflict",
                table: "ScreeningResults");

            migrationBuilder.DropColumn(
                name: "PixelSha256",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "SourcePurgedAt",
                table: "Images");
        }
    }
}
