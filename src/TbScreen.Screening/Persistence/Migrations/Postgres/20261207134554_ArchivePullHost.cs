using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TbScreen.Screening.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ArchivePullHost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every pull before this column was the dashboard's.
            migrationBuilder.AddColumn<string>(
                name: "Host",
                table: "ArchivePulls",
                type: "text",
                nullable: false,
                defaultValue: "web");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Host",
                table: "ArchivePulls");
        }
    }
}
