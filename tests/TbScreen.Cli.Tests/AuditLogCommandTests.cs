using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli.Tests;

public sealed class AuditLogCommandTests
{
    [Fact]
    public async Task VerifySaysIntactThenNamesTheFirstEditedRow()
    {
        string db = CliRunner.TempPath("audit.db");
        var contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = db });
        contexts.Migrate();
        var store = new EfScreeningStore(contexts);
        for (int i = 0; i < 4; i++)
        {
            await store.RecordAsync("alice", "screening.view", $"result/{i}", "page");
        }

        var (code, stdout, stderr) = CliRunner.Run("audit-log", "verify", "--db", db);
        Assert.True(code == 0, stderr);
        Assert.Contains("audit chain intact: 4 sealed rows", stdout, StringComparison.Ordinal);

        long third;
        await using (var ctx = contexts.CreateDbContext())
        {
            third = (await ctx.AuditEvents.OrderBy(e => e.Sequence).Skip(2).FirstAsync()).Id;
            await ctx.Database.ExecuteSqlInterpolatedAsync($"UPDATE \"AuditEvents\" SET \"Actor\" = 'mallory' WHERE \"Id\" = {third}");
        }

        SqliteConnection.ClearAllPools();
        (code, stdout, _) = CliRunner.Run("audit-log", "verify", "--db", db);
        Assert.Equal(1, code);
        Assert.Contains($"BROKEN at row {third} (place 3)", stdout, StringComparison.Ordinal);
        Assert.Contains("2 rows before it hold", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingDatabaseIsAUsageError()
    {
        var (code, _, stderr) = CliRunner.Run("audit-log", "verify", "--db", CliRunner.TempPath("none.db"));
        Assert.Equal(2, code);
        Assert.Contains("no such database", stderr, StringComparison.Ordinal);
    }
}
