using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Screening.Tests.Persistence;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Storage;

/// <summary>Retention (issue 17): old source images leave the content store with an audit row each; results stay.</summary>
public sealed class RetentionPurgerTests : IDisposable
{
    private static readonly DateTime Now = new(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory _dir = new();
    private readonly ScreeningDbContextFactory _contexts;
    private readonly EfScreeningStore _store;
    private readonly ContentStore _content;

    public RetentionPurgerTests()
    {
        _contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _dir.File("db.sqlite") });
        _contexts.Migrate();
        _store = new EfScreeningStore(_contexts);
        _content = ContentStores.Open(_dir.File("store"), encrypt: true);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task OldSourcesArePurgedAndAuditedWhileResultsAndYoungSourcesStay()
    {
        var old = await Screened([1, 1, 1], ageDays: 31);
        var young = await Screened([2, 2, 2], ageDays: 29);
        var pending = await Screened([3, 3, 3], ageDays: 40);
        long job = (await _store.CreateJobAsync(["received"])).Id;
        await _store.AddItemsAsync(job, ["received/" + pending.Sha]); // a job still needs it

        var report = await new RetentionPurger(_contexts, _content).PurgeAsync(30, Now);

        Assert.Equal(new RetentionReport(1, 0, 1), report);
        Assert.False(_content.Contains(old.Sha));
        Assert.True(_content.Contains(young.Sha));
        Assert.True(_content.Contains(pending.Sha));
        var result = (await _store.GetResultAsync(old.ResultId))!;
        Assert.Equal(Now, result.Outcome.SourcePurgedAt);
        Assert.Equal(0.5, result.Outcome.EnsembleProbability); // scores and heatmap stay
        Assert.NotNull(result.Outcome.Heatmap);
        Assert.Null((await _store.GetResultAsync(young.ResultId))!.Outcome.SourcePurgedAt);

        await using var ctx = _contexts.CreateDbContext();
        var audit = Assert.Single(await ctx.AuditEvents.AsNoTracking().Where(e => e.Action == RetentionPurger.SourcePurged).ToListAsync());
        Assert.Equal((RetentionPurger.AuditActor, $"image:{result.ImageId}"), (audit.Actor, audit.Target));
        Assert.DoesNotContain(old.Sha, audit.Detail!, StringComparison.Ordinal);

        Assert.Equal(new RetentionReport(0, 0, 1), await new RetentionPurger(_contexts, _content).PurgeAsync(30, Now)); // idempotent
    }

    [Fact]
    public async Task UnscreenedFilesArePurgedByTheirAgeAndOutboxObjectsAreKept()
    {
        string orphan = _content.Put([5, 5, 5]);
        string fresh = _content.Put([6, 6, 6]);
        File.SetLastWriteTimeUtc(_content.PathFor(orphan), Now.AddDays(-31));

        var report = await new RetentionPurger(_contexts, _content).PurgeAsync(30, Now);

        Assert.Equal(new RetentionReport(0, 1, 0), report);
        Assert.False(_content.Contains(orphan));
        Assert.True(_content.Contains(fresh));
        await using var ctx = _contexts.CreateDbContext();
        Assert.Equal($"content:{orphan[..12]}", (await ctx.AuditEvents.SingleAsync(e => e.Action == RetentionPurger.OrphanPurged)).Target);
    }

    private async Task<(string Sha, long ResultId)> Screened(byte[] bytes, int ageDays)
    {
        string sha = _content.Put(bytes);
        var saved = await _store.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid(), sha));
        await using var ctx = _contexts.CreateDbContext();
        await ctx.Images.Where(i => i.Id == saved.ImageId).ExecuteUpdateAsync(u => u.SetProperty(i => i.CreatedAt, Now.AddDays(-ageDays)));
        return (sha, saved.ResultId);
    }
}
