using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TbScreen.Screening.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "text", nullable: false),
                    Action = table.Column<string>(type: "text", nullable: false),
                    Target = table.Column<string>(type: "text", nullable: true),
                    Detail = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "BatchJobs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    InputsJson = table.Column<string>(type: "text", nullable: false),
                    OptionsJson = table.Column<string>(type: "text", nullable: true),
                    State = table.Column<string>(type: "text", nullable: false),
                    Total = table.Column<int>(type: "integer", nullable: false),
                    Succeeded = table.Column<int>(type: "integer", nullable: false),
                    Failed = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BatchJobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Studies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StudyInstanceUid = table.Column<string>(type: "text", nullable: false),
                    InstitutionName = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Studies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Images",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ImageKey = table.Column<string>(type: "text", nullable: false),
                    SopInstanceUid = table.Column<string>(type: "text", nullable: true),
                    SeriesInstanceUid = table.Column<string>(type: "text", nullable: true),
                    StudyId = table.Column<long>(type: "bigint", nullable: true),
                    ContentSha256 = table.Column<string>(type: "text", nullable: true),
                    PatientSex = table.Column<string>(type: "text", nullable: true),
                    PatientAge = table.Column<string>(type: "text", nullable: true),
                    InstitutionName = table.Column<string>(type: "text", nullable: true),
                    Manufacturer = table.Column<string>(type: "text", nullable: true),
                    ManufacturerModelName = table.Column<string>(type: "text", nullable: true),
                    Modality = table.Column<string>(type: "text", nullable: true),
                    BodyPartExamined = table.Column<string>(type: "text", nullable: true),
                    ViewPosition = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Images", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Images_Studies_StudyId",
                        column: x => x.StudyId,
                        principalTable: "Studies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ScreeningResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ImageId = table.Column<long>(type: "bigint", nullable: true),
                    DedupeKey = table.Column<string>(type: "text", nullable: true),
                    ModelVersion = table.Column<string>(type: "text", nullable: false),
                    Source = table.Column<string>(type: "text", nullable: false),
                    ContentSha256 = table.Column<string>(type: "text", nullable: true),
                    SopInstanceUid = table.Column<string>(type: "text", nullable: true),
                    Status = table.Column<string>(type: "text", nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true),
                    AlexNetProbability = table.Column<double>(type: "double precision", nullable: true),
                    GoogLeNetProbability = table.Column<double>(type: "double precision", nullable: true),
                    EnsembleProbability = table.Column<double>(type: "double precision", nullable: true),
                    MemberProbabilitiesJson = table.Column<string>(type: "text", nullable: true),
                    Decision = table.Column<string>(type: "text", nullable: true),
                    Flag = table.Column<string>(type: "text", nullable: true),
                    FlagReason = table.Column<string>(type: "text", nullable: true),
                    HeatmapWidth = table.Column<int>(type: "integer", nullable: true),
                    HeatmapHeight = table.Column<int>(type: "integer", nullable: true),
                    Heatmap = table.Column<byte[]>(type: "bytea", nullable: true),
                    IngestMs = table.Column<double>(type: "double precision", nullable: true),
                    PreprocessMs = table.Column<double>(type: "double precision", nullable: true),
                    InferenceMs = table.Column<double>(type: "double precision", nullable: true),
                    EnsembleMs = table.Column<double>(type: "double precision", nullable: true),
                    HeatmapMs = table.Column<double>(type: "double precision", nullable: true),
                    ElapsedMs = table.Column<double>(type: "double precision", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScreeningResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScreeningResults_Images_ImageId",
                        column: x => x.ImageId,
                        principalTable: "Images",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "BatchJobItems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobId = table.Column<long>(type: "bigint", nullable: false),
                    Path = table.Column<string>(type: "text", nullable: false),
                    ContentSha256 = table.Column<string>(type: "text", nullable: true),
                    Status = table.Column<string>(type: "text", nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true),
                    ResultId = table.Column<long>(type: "bigint", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BatchJobItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BatchJobItems_BatchJobs_JobId",
                        column: x => x.JobId,
                        principalTable: "BatchJobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_BatchJobItems_ScreeningResults_ResultId",
                        column: x => x.ResultId,
                        principalTable: "ScreeningResults",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Reviews",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResultId = table.Column<long>(type: "bigint", nullable: false),
                    Read = table.Column<string>(type: "text", nullable: false),
                    FinalLabel = table.Column<string>(type: "text", nullable: true),
                    Note = table.Column<string>(type: "text", nullable: true),
                    Reviewer = table.Column<string>(type: "text", nullable: false),
                    ReviewedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Reviews_ScreeningResults_ResultId",
                        column: x => x.ResultId,
                        principalTable: "ScreeningResults",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_At",
                table: "AuditEvents",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_BatchJobItems_JobId_Path",
                table: "BatchJobItems",
                columns: new[] { "JobId", "Path" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BatchJobItems_JobId_Status",
                table: "BatchJobItems",
                columns: new[] { "JobId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_BatchJobItems_ResultId",
                table: "BatchJobItems",
                column: "ResultId");

            migrationBuilder.CreateIndex(
                name: "IX_BatchJobs_Key",
                table: "BatchJobs",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Images_ContentSha256",
                table: "Images",
                column: "ContentSha256");

            migrationBuilder.CreateIndex(
                name: "IX_Images_ImageKey",
                table: "Images",
                column: "ImageKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Images_SopInstanceUid",
                table: "Images",
                column: "SopInstanceUid");

            migrationBuilder.CreateIndex(
                name: "IX_Images_StudyId",
                table: "Images",
                column: "StudyId");

            migrationBuilder.CreateIndex(
                name: "IX_Reviews_ResultId",
                table: "Reviews",
                column: "ResultId");

            migrationBuilder.CreateIndex(
                name: "IX_ScreeningResults_ContentSha256",
                table: "ScreeningResults",
                column: "ContentSha256");

            migrationBuilder.CreateIndex(
                name: "IX_ScreeningResults_CreatedAt",
                table: "ScreeningResults",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ScreeningResults_DedupeKey_ModelVersion",
                table: "ScreeningResults",
                columns: new[] { "DedupeKey", "ModelVersion" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ScreeningResults_ImageId",
                table: "ScreeningResults",
                column: "ImageId");

            migrationBuilder.CreateIndex(
                name: "IX_Studies_StudyInstanceUid",
                table: "Studies",
                column: "StudyInstanceUid",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditEvents");

            migrationBuilder.DropTable(
                name: "BatchJobItems");

            migrationBuilder.DropTable(
                name: "Reviews");

            migrationBuilder.DropTable(
                name: "BatchJobs");

            migrationBuilder.DropTable(
                name: "ScreeningResults");

            migrationBuilder.DropTable(
                name: "Images");

            migrationBuilder.DropTable(
                name: "Studies");
        }
    }
}
