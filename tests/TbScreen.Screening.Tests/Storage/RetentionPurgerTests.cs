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

    /// <summary>Regression (issue 17): a cancelled job's pending items kept their files from retention forever.</summary>
    [Fact]
    public async Task A_cancelled_jobs_pending_items_no_longer_keep_their_files()
    {
        string unscreened = _content.Put([7, 7, 7]);
        File.SetLastWriteTimeUtc(_content.PathFor(unscreened), Now.AddDays(-31));
        long job = (await _store.CreateJobAsync(["upload"])).Id;
        await _store.AddItemsAsync(job, [TbScreen.Screening.Jobs.StoredItems.Key(1, unscreened)]);
        await _store.SetJobStateAsync(job, BatchJobStates.Cancelled);

        Assert.Equal(new RetentionReport(0, 1, 0), await new RetentionPurger(_contexts, _content).PurgeAsync(30, Now));
        Assert.False(_content.Contains(unscreened));
    }

    [Fact]
    public async Task Discarding_an_upload_deletes_what_nothing_needs_and_keeps_screened_files_when_asked()
    {
        var screened = await Screened([8, 8, 8], ageDays: 0);
        string unscreened = _content.Put([9, 9, 9]);
        string neededElsewhere = _content.Put([10, 10, 10]);
        long live = (await _store.CreateJobAsync(["upload"])).Id;
        await _store.AddItemsAsync(live, [TbScreen.Screening.Jobs.StoredItems.Key(1, neededElsewhere)]);
        var purger = new RetentionPurger(_contexts, _content);

        int kept = await purger.DiscardAsync([screened.Sha, unscreened, neededElsewhere, "not-a-sha"], keepScreened: true, "upload of job 1, not kept after the job");

        Assert.Equal(1, kept);
        Assert.True(_content.Contains(screened.Sha));
        Assert.False(_content.Contains(unscreened));
        Assert.True(_content.Contains(neededElsewhere));
        await using (var ctx = _contexts.CreateDbContext())
        {
            var row = await ctx.AuditEvents.SingleAsync(e => e.Action == RetentionPurger.OrphanPurged);
            Assert.Equal(($"content:{unscreened[..12]}", "upload of job 1, not kept after the job"), (row.Target, row.Detail));
        }

        // A host that keeps no source images (Persistence:StoreContent off) drops the screened file too.
        Assert.Equal(1, await purger.DiscardAsync([screened.Sha], keepScreened: false, "upload of job 1, not kept after the job"));
        Assert.False(_content.Contains(screened.Sha));
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
