using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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
        Assert.Equal(["InitialCreate", "SiteProfiles", "DicomOutbox"], ctx.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools(); // release the file so the folder can go
        _dir.Dispose();
    }
}
