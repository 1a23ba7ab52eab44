using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Persistence;

/// <summary>
/// Issue 17 (Medium 7): an action and its audit row commit together. With the audit table refusing inserts (a
/// trigger stands in for a full disk or a lost connection at that moment), the action must not have happened.
/// </summary>
public sealed class AuditAtomicityTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ScreeningDbContextFactory _contexts;
    private readonly EfScreeningStore _store;

    public AuditAtomicityTests()
    {
        _contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _dir.File("db.sqlite") });
        _contexts.Migrate();
        _store = new EfScreeningStore(_contexts);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_job_is_not_cancelled_when_its_audit_row_cannot_be_written()
    {
        var job = await _store.CreateJobAsync(["/data/in"]);
        await RefuseAuditRowsAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => _store.SetJobStateAsync(job.Id, BatchJobStates.Cancelled, new AuditEntry("alice", "job.cancel", $"job/{job.Id}")));

        Assert.Equal(BatchJobStates.Created, (await _store.GetJobAsync(job.Id))!.State);
    }

    [Fact]
    public async Task A_review_is_not_saved_when_its_audit_row_cannot_be_written()
    {
        var result = await _store.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid(), Outcomes.NewSha()));
        await RefuseAuditRowsAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => _store.AddReviewAsync(result.ResultId, "rad", "tb", "tb", null, new AuditEntry("rad", "review.record", $"result/{result.ResultId}")));

        Assert.Empty(await _store.ReviewsAsync(result.ResultId));
    }

    [Fact]
    public async Task A_job_is_not_created_when_its_audit_row_cannot_be_written()
    {
        await RefuseAuditRowsAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => _store.CreateJobAsync(["/data/in"], null, "atomic-key", id => new AuditEntry("alice", "job.create", $"job/{id}")));

        Assert.Null(await _store.FindJobByKeyAsync("atomic-key"));
    }

    [Fact]
    public async Task An_upload_result_is_not_stored_when_its_audit_row_cannot_be_written()
    {
        string sha = Outcomes.NewSha();
        await RefuseAuditRowsAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => _store.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid(), sha), s => new AuditEntry("ann", "screening.upload", $"result/{s.ResultId}")));

        Assert.Null(await _store.FindCurrentResultAsync(sha, Outcomes.V1));
        Assert.Empty(await _store.RecentResultsAsync(10));
    }

    [Fact]
    public async Task With_the_audit_table_working_each_action_and_its_row_are_both_there()
    {
        var job = await _store.CreateJobAsync(["/data/in"], null, "atomic-ok", id => new AuditEntry("alice", "job.create", $"job/{id}", "server folder job"));
        await _store.SetJobStateAsync(job.Id, BatchJobStates.Cancelled, new AuditEntry("alice", "job.cancel", $"job/{job.Id}"));
        var result = await _store.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid(), Outcomes.NewSha()));
        await _store.AddReviewAsync(result.ResultId, "rad", "tb", "tb", null, new AuditEntry("rad", "review.record", $"result/{result.ResultId}", "confirm"));
        var uploaded = await _store.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid(), Outcomes.NewSha()), s => new AuditEntry("ann", "screening.upload", $"result/{s.ResultId}"));

        var trail = (await _store.AuditTrailAsync(10)).Reverse().Select(a => (a.Actor, a.Action, a.Target)).ToArray();
        Assert.Equal([("alice", "job.create", $"job/{job.Id}"), ("alice", "job.cancel", $"job/{job.Id}"), ("rad", "review.record", $"result/{result.ResultId}"),
            ("ann", "screening.upload", $"result/{uploaded.ResultId}")], trail);
        Assert.Equal(BatchJobStates.Cancelled, (await _store.GetJobAsync(job.Id))!.State);
        Assert.Single(await _store.ReviewsAsync(result.ResultId));
    }

    private async Task RefuseAuditRowsAsync()
    {
        await using var ctx = _contexts.CreateDbContext();
        await ctx.Database.ExecuteSqlRawAsync("CREATE TRIGGER refuse_audit BEFORE INSERT ON AuditEvents BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;");
    }
}
