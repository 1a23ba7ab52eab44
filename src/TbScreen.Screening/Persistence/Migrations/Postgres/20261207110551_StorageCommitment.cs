using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TbScreen.Screening.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class StorageCommitment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "CommitmentRequestedAt",
                table: "DicomDeliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CommitmentTransactionUid",
                table: "DicomDeliveries",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CommittedAt",
                table: "DicomDeliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_DicomDeliveries_CommitmentTransactionUid",
                table: "DicomDeliveries",
                column: "CommitmentTransactionUid");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DicomDeliveries_CommitmentTransactionUid",
                table: "DicomDeliveries");

            migrationBuilder.DropColumn(
                name: "CommitmentRequestedAt",
                table: "DicomDeliveries");

            migrationBuilder.DropColumn(
                name: "CommitmentTransactionUid",
                table: "DicomDeliveries");

            migrationBuilder.DropColumn(
                name: "CommittedAt",
                table: "DicomDeliveries");
        }
    }
}
