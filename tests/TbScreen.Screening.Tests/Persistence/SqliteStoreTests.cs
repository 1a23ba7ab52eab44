using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Persistence;

/// <summary>A fresh SQLite file per test, migrated like production.</summary>
public sealed class SqliteStoreTests : StoreContractTests, IDisposable
{
    private readonly TempDirectory _dir = new();

    public SqliteStoreTests()
    {
        Contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _dir.File("tbscreen.db") });
        Contexts.Migrate();
    }

    protected override ScreeningDbContextFactory Contexts { get; }

    [Fact]
    public async Task DatabaseRunsInWalMode()
    {
        await using var ctx = Contexts.CreateDbContext();
        await ctx.Database.OpenConnectionAsync();
        await using var command = ctx.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public void MigrationsAreTheSqliteSet()
    {
        using var ctx = Contexts.CreateDbContext();
        Assert.IsType<SqliteScreeningDbContext>(ctx);
        Assert.Empty(ctx.Database.GetPendingMigrations());
        Assert.Equal(["InitialCreate", "SiteProfiles", "DicomOutbox", "ContentKeysAndRetention", "AuditChain", "PatientPseudonym", "StorageCommitment", "ArchivePulls", "ArchivePullHost"], ctx.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]));
    }

    /// <summary>A database from before issue 17: UID-keyed images and results are re-keyed by content, ages over 89 folded.</summary>
    [Fact]
    public async Task ContentKeysMigrationReKeysOldRowsAndFoldsOldAges()
    {
        var old = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _dir.File("old.db") });
        await using (var ctx = old.CreateDbContext())
        {
            await ctx.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync("DicomOutbox");
            await ctx.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Images" ("Id", "ImageKey", "SopInstanceUid", "ContentSha256", "PatientAge", "CreatedAt") VALUES
                  (1, 'sop:1.2.3', '1.2.3', 'ABCDEF', '093Y', '2026-01-01 00:00:00'),
                  (2, 'sha256:0123', NULL, '0123', '045Y', '2026-01-01 00:00:00');
                INSERT INTO "ScreeningResults" ("Id", "ImageId", "DedupeKey", "ModelVersion", "Source", "ContentSha256", "Status", "ElapsedMs", "CreatedAt") VALUES
                  (1, 1, 'sop:1.2.3', 'v1', 'a.dcm', 'ABCDEF', 'ok', 1, '2026-01-01 00:00:00'),
                  (2, 1, 'sop:1.2.4', 'v1', 'b.dcm', NULL, 'ok', 1, '2026-01-01 00:00:00');
                """);
        }

        old.Migrate();
        await using (var ctx = old.CreateDbContext())
        {
            var images = await ctx.Images.AsNoTracking().OrderBy(i => i.Id).ToListAsync();
            Assert.Equal(["sha256:abcdef", "sha256:0123"], images.Select(i => i.ImageKey));
            Assert.Equal(["90+", "045Y"], images.Select(i => i.PatientAge));
            var results = await ctx.Results.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
            Assert.Equal(["sha256:abcdef", null], results.Select(r => r.DedupeKey));
            Assert.All(results, r => Assert.False(r.UidConflict));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools(); // release the file so the folder can go
        _dir.Dispose();
    }
}
