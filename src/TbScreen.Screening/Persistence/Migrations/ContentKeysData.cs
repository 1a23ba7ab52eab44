using Microsoft.EntityFrameworkCore.Migrations;

namespace TbScreen.Screening.Persistence.Migrations;

/// <summary>
/// The data half of migration ContentKeysAndRetention, shared by the SQLite and PostgreSQL sets (portable SQL):
/// images and results keyed by SOP Instance UID are re-keyed by their file's SHA-256, and stored ages of 90 years or
/// more become "90+" (<see cref="PatientAges"/>).
/// </summary>
internal static class ContentKeysData
{
    public static void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            UPDATE "Images" SET "ImageKey" = 'sha256:' || lower("ContentSha256")
            WHERE "ImageKey" LIKE 'sop:%' AND "ContentSha256" IS NOT NULL
            """);
        migrationBuilder.Sql("""
            UPDATE "ScreeningResults" SET "DedupeKey" = 'sha256:' || lower("ContentSha256")
            WHERE "DedupeKey" LIKE 'sop:%' AND "ContentSha256" IS NOT NULL
            """);
        // A result without its file's hash cannot be keyed on content: it is never reused again.
        migrationBuilder.Sql("""UPDATE "ScreeningResults" SET "DedupeKey" = NULL WHERE "DedupeKey" LIKE 'sop:%'""");
        migrationBuilder.Sql("""
            UPDATE "Images" SET "PatientAge" = '90+'
            WHERE "PatientAge" LIKE '___Y' AND "PatientAge" >= '090Y' AND "PatientAge" <= '999Y'
            """);
    }
}
