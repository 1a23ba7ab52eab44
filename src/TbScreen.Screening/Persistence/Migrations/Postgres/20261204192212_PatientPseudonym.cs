using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TbScreen.Screening.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PatientPseudonym : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PatientPseudonym",
                table: "Images",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Images_PatientPseudonym",
                table: "Images",
                column: "PatientPseudonym");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Images_PatientPseudonym",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "PatientPseudonym",
                table: "Images");
        }
    }
}
