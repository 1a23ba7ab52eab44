using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence;

namespace TbScreen.Screening.Tests.Persistence;

/// <summary>The repository's behaviour, run unchanged on SQLite and on PostgreSQL.</summary>
public abstract class StoreContractTests
{
    /// <summary>Skips (with the reason) when the database is not available.</summary>
    protected abstract ScreeningDbContextFactory Contexts { get; }

    private IScreeningStore Store => new EfScreeningStore(Contexts);

    [SkippableFact]
    public async Task SavedResultIsFoundByContentForTheSameModelVersionOnly()
    {
        string sop = Outcomes.NewUid(), sha = Outcomes.NewSha();
        var saved = await Store.SaveOutcomeAsync(Outcomes.Ok(sop, sha));
        Assert.True(saved.Created);

        var found = await Store.FindCurrentResultAsync(sha, Outcomes.V1);
        Assert.NotNull(found);
        Assert.Equal(saved.ResultId, found.ResultId);
        Assert.True(found.Outcome.FromStore);
        Assert.Equal(0.5, found.Outcome.EnsembleProbability);
        Assert.Equal(0.75, found.Outcome.MemberProbabilities!["googlenet"]);
        Assert.Equal([0f, 0.25f, 0.5f, 1f], found.Outcome.Heatmap!.Values);
        Assert.Equal(TimeSpan.FromMilliseconds(2), found.Outcome.Timings!.Inference);
        Assert.Equal("042Y", found.Outcome.Metadata!.PatientAge);
        Assert.NotNull(found.StudyId);
        Assert.Equal(DateTimeKind.Utc, found.CreatedAt.Kind);

        Assert.Null(await Store.FindCurrentResultAsync(sha, Outcomes.V2));
        Assert.Null(await Store.FindCurrentResultAsync(Outcomes.NewSha(), Outcomes.V1));
    }

    [SkippableFact]
    public async Task AuditRowsAreHashChainedAndAnEditARemovalOrAnInsertionBreaksTheChain()
    {
        string actor = "chain-" + Guid.NewGuid().ToString("N");
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Store.RecordAsync(actor, "test.event", $"thing/{i}", $"detail {i}")));
        await using (var ctx = Contexts.CreateDbContext())
        {
            var mine = await ctx.AuditEvents.AsNoTracking().Where(e => e.Actor == actor).ToListAsync();
            Assert.Equal(12, mine.Count);
            Assert.All(mine, e => Assert.NotNull(e.Sequence));
            var report = await AuditChain.VerifyAsync(ctx);
            Assert.True(report.Intact, report.FirstBreak?.Reason);
            Assert.Equal(0, report.Unsealed);
            var places = await ctx.AuditEvents.AsNoTracking().Select(e => e.Sequence!.Value).OrderBy(v => v).ToListAsync();
            Assert.Equal(Enumerable.Range(1, places.Count).Select(v => (long)v), places); // concurrent writers, one chain
        }

        long victim;
        await using (var ctx = Contexts.CreateDbContext())
        {
            victim = (await ctx.AuditEvents.AsNoTracking().Where(e => e.Actor == actor).OrderBy(e => e.Sequence).Skip(5).FirstAsync()).Id;
            await ctx.Database.ExecuteSqlInterpolatedAsync($"UPDATE \"AuditEvents\" SET \"Detail\" = 'nothing happened' WHERE \"Id\" = {victim}");
            var edited = await AuditChain.VerifyAsync(ctx);
            Assert.Equal(victim, edited.FirstBreak?.Id);
            Assert.Contains("edited", edited.FirstBreak!.Reason, StringComparison.Ordinal);

            await ctx.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM \"AuditEvents\" WHERE \"Id\" = {victim}");
            var removed = await AuditChain.VerifyAsync(ctx);
            Assert.NotNull(removed.FirstBreak);
            Assert.Contains("removed", removed.FirstBreak!.Reason, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Regression: concurrent sealers read the chain's end and the unsealed rows in two statements, so one could number
    /// rows from a stale end while another held them, and PostgreSQL aborted one with a deadlock (40P01).
    /// </summary>
    [SkippableFact]
    public async Task ManyConcurrentWritersSealOneUnbrokenChain()
    {
        string actor = "burst-" + Guid.NewGuid().ToString("N");
        await using var ctx = Contexts.CreateDbContext();
        // The class shares one database, and another test breaks its chain on purpose: check the links made here.
        var end = await ctx.AuditEvents.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync();
        for (int round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 48).Select(i => Task.Run(() => Store.RecordAsync(actor, "test.burst", $"thing/{round}/{i}", null))));
        }

        long from = end?.Sequence ?? 0;
        var added = await ctx.AuditEvents.AsNoTracking().Where(e => e.Sequence > from || e.Sequence == null).OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(144, added.Count);
        Assert.All(added, e => Assert.Equal(actor, e.Actor));
        Assert.Equal(Enumerable.Range(1, 144).Select(k => (long?)(from + k)), added.Select(e => e.Sequence));
        Assert.Equal([end?.Hash ?? "", .. added.SkipLast(1).Select(e => e.Hash)], added.Select(e => e.PrevHash));
    }

    [SkippableFact]
    public async Task ImagesWithoutSopAreFoundByContentHash()
    {
        string sha = Outcomes.NewSha();
        var saved = await Store.SaveOutcomeAsync(Outcomes.Ok(sop: null, sha: sha));
        var found = await Store.FindCurrentResultAsync(sha, Outcomes.V1);
        Assert.Equal(saved.ResultId, found?.ResultId);
    }

    [SkippableFact]
    public async Task SameBytesAndModelsAreStoredOnce_NewModelsGetANewRow()
    {
        string sop = Outcomes.NewUid(), sha = Outcomes.NewSha();
        var first = await Store.SaveOutcomeAsync(Outcomes.Ok(sop, sha));
        var again = await Store.SaveOutcomeAsync(Outcomes.Ok(sop, sha));
        var newModels = await Store.SaveOutcomeAsync(Outcomes.Ok(sop, sha, version: Outcomes.V2));

        Assert.False(again.Created);
        Assert.Equal(first.ResultId, again.ResultId);
        Assert.True(newModels.Created);
        Assert.NotEqual(first.ResultId, newModels.ResultId);
        Assert.Equal(first.ImageId, newModels.ImageId);
        Assert.Equal(2, await CountResults(sop));
    }

    /// <summary>Regression (issue 17): reuse was keyed on the SOP Instance UID, so a file copying a real UID got, or left behind, the wrong result.</summary>
    [SkippableFact]
    public async Task AFileReusingAUidWithOtherPixelsIsScreenedOnItsOwnFlaggedAndAudited()
    {
        string sop = Outcomes.NewUid(), pixels = Outcomes.NewSha();
        var genuine = await Store.SaveOutcomeAsync(Outcomes.Ok(sop, pixels: pixels));
        var planted = await Store.SaveOutcomeAsync(Outcomes.Ok(sop, pixels: Outcomes.NewSha()) with { Flag = "none", FlagReason = "members agree", Decision = "not-tb" });

        Assert.True(planted.Created);
        Assert.NotEqual(genuine.ResultId, planted.ResultId);
        Assert.NotEqual(genuine.ImageId, planted.ImageId);
        Assert.True(planted.Outcome.UidConflict);
        Assert.Equal(UidConflicts.FlagName, planted.Outcome.Flag);
        Assert.StartsWith("UID conflict", planted.Outcome.FlagReason, StringComparison.Ordinal);
        var reread = (await Store.GetResultAsync(planted.ResultId))!;
        Assert.True(reread.Outcome.UidConflict);
        Assert.Equal(UidConflicts.FlagName, reread.Outcome.Flag);
        Assert.False((await Store.GetResultAsync(genuine.ResultId))!.Outcome.UidConflict);
        Assert.Equal("disagreement", (await Store.GetResultAsync(genuine.ResultId))!.Outcome.Flag);

        await using var ctx = Contexts.CreateDbContext();
        var audit = await ctx.AuditEvents.AsNoTracking().Where(e => e.Action == UidConflicts.AuditAction && e.Target == $"image:{genuine.ImageId}").ToListAsync();
        var entry = Assert.Single(audit);
        Assert.DoesNotContain(sop, entry.Detail!, StringComparison.Ordinal);
        Assert.Contains($"image {planted.ImageId}", entry.Detail!, StringComparison.Ordinal);

        // A flagged result keeps its own reasons after the conflict's.
        var third = await Store.SaveOutcomeAsync(Outcomes.Ok(sop, pixels: Outcomes.NewSha()));
        Assert.Equal("disagreement+" + UidConflicts.FlagName, third.Outcome.Flag);
        Assert.EndsWith("members disagree", third.Outcome.FlagReason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ALosslessReExportWithTheSameUidAndPixelsIsNoConflict()
    {
        string sop = Outcomes.NewUid(), pixels = Outcomes.NewSha();
        var first = await Store.SaveOutcomeAsync(Outcomes.Ok(sop, pixels: pixels));
        var reExport = await Store.SaveOutcomeAsync(Outcomes.Ok(sop, sha: Outcomes.NewSha(), pixels: pixels));

        Assert.True(reExport.Created); // other bytes: screened again, never handed the first file's result
        Assert.NotEqual(first.ResultId, reExport.ResultId);
        Assert.False(reExport.Outcome.UidConflict);
        Assert.Equal("disagreement", reExport.Outcome.Flag);
    }

    [SkippableFact]
    public async Task AgesOver89AreStoredAs90Plus()
    {
        var old = await Store.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid()) with { Metadata = Outcomes.Ok().Metadata! with { PatientAge = "093Y" } });
        var young = await Store.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid()) with { Metadata = Outcomes.Ok().Metadata! with { PatientAge = "089Y" } });
        Assert.Equal("90+", (await Store.GetResultAsync(old.ResultId))!.Outcome.Metadata!.PatientAge);
        Assert.Equal("089Y", (await Store.GetResultAsync(young.ResultId))!.Outcome.Metadata!.PatientAge);
    }

    [SkippableFact]
    public async Task ConcurrentSavesOfTheSameFileProduceOneRow()
    {
        string sop = Outcomes.NewUid();
        string sha = Outcomes.NewSha();
        string study = Outcomes.NewUid();
        using var start = new Barrier(4);
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            return await Store.SaveOutcomeAsync(Outcomes.Ok(sop, sha, studyUid: study));
        })).ToArray();
        var results = await Task.WhenAll(tasks);

        Assert.Single(results.Select(r => r.ResultId).Distinct());
        Assert.Single(results, r => r.Created);
        Assert.Equal(1, await CountResults(sop));
        await using var ctx = Contexts.CreateDbContext();
        Assert.Equal(1, await ctx.Images.CountAsync(i => i.SopInstanceUid == sop));
        Assert.Equal(1, await ctx.Studies.CountAsync(s => s.StudyInstanceUid == study));
    }

    [SkippableFact]
    public async Task ProcessingFailuresAreStoredButNeverReused()
    {
        string sop = Outcomes.NewUid(), sha = Outcomes.NewSha();
        await Store.SaveOutcomeAsync(Outcomes.Failed(ScreeningStatus.ProcessingFailed, sop, sha));
        await Store.SaveOutcomeAsync(Outcomes.Failed(ScreeningStatus.ProcessingFailed, sop, sha));
        Assert.Null(await Store.FindCurrentResultAsync(sha, Outcomes.V1));
        Assert.Equal(2, await CountResults(sop));

        var invalid = await Store.SaveOutcomeAsync(Outcomes.Failed(ScreeningStatus.InvalidDicom));
        Assert.Equal(ScreeningStatus.InvalidDicom, (await Store.GetResultAsync(invalid.ResultId))!.Outcome.Status);
        Assert.Equal("broken", invalid.Outcome.Error);
    }

    [SkippableFact]
    public async Task JobItemsAreIdempotentAndCompletedOnce()
    {
        var job = await Store.CreateJobAsync(["/archive"], "{\"jobs\":2}", key: Guid.NewGuid().ToString());
        Assert.Equal(BatchJobStates.Created, job.State);
        Assert.Equal(3, await Store.AddItemsAsync(job.Id, ["/a.dcm", "/b.dcm", "/c.dcm"]));
        Assert.Equal(1, await Store.AddItemsAsync(job.Id, ["/b.dcm", "/c.dcm", "/d.dcm", "/d.dcm"]));
        Assert.Equal(4, (await Store.GetJobAsync(job.Id))!.Total);
        Assert.Equal(job.Id, (await Store.FindJobByKeyAsync(job.Key!))!.Id);

        Assert.Equal(1, await Store.BeginItemAsync(job.Id, "/a.dcm"));
        Assert.Equal(2, await Store.BeginItemAsync(job.Id, "/a.dcm"));
        var okResult = await Store.CompleteItemAsync(job.Id, "/a.dcm", Outcomes.Ok(Outcomes.NewUid()));
        var again = await Store.CompleteItemAsync(job.Id, "/a.dcm", Outcomes.Ok(Outcomes.NewUid()));
        Assert.Equal(okResult.ResultId, again.ResultId);
        await Store.CompleteItemAsync(job.Id, "/b.dcm", Outcomes.Failed(ScreeningStatus.InvalidDicom));

        var pending = await Store.PendingItemsAsync(job.Id);
        Assert.Equal(["/c.dcm", "/d.dcm"], pending.Select(p => p.Path));
        Assert.Single(await Store.PendingItemsAsync(job.Id, max: 1));

        var state = (await Store.GetJobAsync(job.Id))!;
        Assert.Equal((4, 1, 1, 2), (state.Total, state.Succeeded, state.Failed, state.Pending));
        var items = await Store.ItemsAsync(job.Id);
        Assert.Equal(["ok", "invalid-dicom", "pending", "pending"], items.Select(i => i.Status));
        Assert.Equal(okResult.ResultId, items[0].ResultId);
        Assert.Equal(2, items[0].Attempts);

        await Store.SetJobStateAsync(job.Id, BatchJobStates.Completed);
        Assert.Equal(BatchJobStates.Completed, (await Store.GetJobAsync(job.Id))!.State);
    }

    [SkippableFact]
    public async Task CompletingItemsInParallelKeepsCountsExact()
    {
        var job = await Store.CreateJobAsync(["/p"]);
        var paths = Enumerable.Range(0, 40).Select(i => $"/p/{i}.dcm").ToArray();
        await Store.AddItemsAsync(job.Id, paths);
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (p, ct) =>
            await Store.CompleteItemAsync(job.Id, p, Outcomes.Ok(Outcomes.NewUid()), ct));
        var state = (await Store.GetJobAsync(job.Id))!;
        Assert.Equal((40, 40, 0), (state.Total, state.Succeeded, state.Pending));
    }

    [SkippableFact]
    public async Task ReviewsAndAuditEventsRoundTrip()
    {
        var saved = await Store.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid()));
        var review = await Store.AddReviewAsync(saved.ResultId, "dr.a", "tb", "tb", "apical cavity");
        Assert.Equal("apical cavity", (await Store.ReviewsAsync(saved.ResultId)).Single().Note);
        Assert.Equal("dr.a", review.Reviewer);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.AddReviewAsync(-1, "dr.a", "tb", null, null));

        string target = "result/" + saved.ResultId;
        await Store.RecordAsync("dr.a", "review", target, "tb");
        Assert.Contains(await Store.AuditTrailAsync(50), e => e.Target == target && e.Action == "review");
    }

    [SkippableFact]
    public async Task StorageCommitmentMarksCommitsAndSendsBackWhatTheArchiveLacks()
    {
        var saved = await Store.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid()));
        var outbox = new DicomOutboxStore(Contexts);
        string sr = Outcomes.NewUid(), sc = Outcomes.NewUid(), transaction = Outcomes.NewUid();
        await outbox.AddAsync([new NewDicomDelivery(saved.ResultId, "sr", "PACS@h:104", sr, Outcomes.NewSha()), new NewDicomDelivery(saved.ResultId, "sc", "PACS@h:104", sc, Outcomes.NewSha())]);
        var rows = await outbox.ForResultAsync(saved.ResultId);
        foreach (var row in rows)
        {
            await outbox.MarkSentAsync(row.Id);
        }

        var t0 = DateTime.UtcNow;
        Assert.Equal(rows.Select(r => r.Id).Order(), (await outbox.AwaitingCommitmentAsync(t0.AddHours(-1), 1000)).Where(r => r.ResultId == saved.ResultId).Select(r => r.Id).Order());
        await outbox.MarkCommitmentRequestedAsync(rows.Select(r => r.Id).ToList(), transaction, t0);
        Assert.DoesNotContain(await outbox.AwaitingCommitmentAsync(t0.AddHours(-1), 1000), r => r.ResultId == saved.ResultId);
        await outbox.ForgetCommitmentRequestAsync(transaction);
        Assert.Equal(2, (await outbox.AwaitingCommitmentAsync(t0.AddHours(-1), 1000)).Count(r => r.ResultId == saved.ResultId));
        await outbox.MarkCommitmentRequestedAsync(rows.Select(r => r.Id).ToList(), transaction, t0);

        var next = t0.AddMinutes(5);
        Assert.Equal((1, 1), await outbox.ApplyCommitmentReportAsync(transaction, [sr], new Dictionary<string, string> { [sc] = "not kept" }, t0, _ => next));

        var after = (await outbox.ForResultAsync(saved.ResultId)).ToDictionary(r => r.Kind);
        Assert.Equal(("committed", true), (after["sr"].Status, after["sr"].CommittedAt is not null));
        Assert.Equal(("pending", "not kept", (DateTime?)null), (after["sc"].Status, after["sc"].LastError, after["sc"].CommitmentRequestedAt));
        Assert.Equal(next, after["sc"].NextAttemptAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal((0, 0), await outbox.ApplyCommitmentReportAsync(transaction, [sr, sc], new Dictionary<string, string>(), t0, _ => next)); // nothing left of it
    }

    [SkippableFact]
    public async Task ArchivePullsRecordTheirProgressAndListTheUnfinished()
    {
        var pulls = new ArchivePullStore(Contexts);
        var pull = await pulls.CreateAsync("PACS", "CR,DX", "admin", "[]", 3, ArchivePullStore.WebHost);
        var fromCommandLine = await pulls.CreateAsync("PACS", "CR,DX", "cli:staff", "[]", 1, ArchivePullStore.CliHost);
        // Each host resumes only its own pulls.
        Assert.Contains(await pulls.UnfinishedAsync(ArchivePullStore.WebHost), p => p.Id == pull.Id);
        Assert.DoesNotContain(await pulls.UnfinishedAsync(ArchivePullStore.WebHost), p => p.Id == fromCommandLine.Id);
        Assert.Equal(ArchivePullStore.CliHost, (await pulls.UnfinishedAsync(ArchivePullStore.CliHost)).Single(p => p.Id == fromCommandLine.Id).Host);
        Assert.DoesNotContain(await pulls.UnfinishedAsync(ArchivePullStore.CliHost), p => p.Id == pull.Id);

        await pulls.UpdateAsync(pull.Id, new ArchivePullState(2, 7, 1, 0, null, Finished: false));
        var halfway = (await pulls.RecentAsync(50)).Single(p => p.Id == pull.Id);
        Assert.Equal((3, 2, 7, 1, 0, false), (halfway.Studies, halfway.StudiesDone, halfway.Received, halfway.NotTaken, halfway.Refused, halfway.Finished));

        await pulls.UpdateAsync(pull.Id, new ArchivePullState(2, 7, 1, 0, "PACS@h:104: cannot connect", Finished: true));
        var stopped = (await pulls.RecentAsync(50)).Single(p => p.Id == pull.Id);
        Assert.Equal(("PACS@h:104: cannot connect", DateTimeKind.Utc), (stopped.Error, stopped.FinishedAt!.Value.Kind));
        Assert.DoesNotContain(await pulls.UnfinishedAsync(ArchivePullStore.WebHost), p => p.Id == pull.Id);
    }

    private async Task<int> CountResults(string sop)
    {
        await using var ctx = Contexts.CreateDbContext();
        return await ctx.Results.CountAsync(r => r.SopInstanceUid == sop);
    }
}
