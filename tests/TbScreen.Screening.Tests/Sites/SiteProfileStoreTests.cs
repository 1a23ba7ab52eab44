using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;
using TbScreen.Screening.Tests.Persistence;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Sites;

/// <summary>Sites, versions, approval and their audit rows on a migrated SQLite file.</summary>
public sealed class SiteProfileStoreTests : IDisposable
{
    // Positives 0.9, 0.8, 0.6, 0.4; negatives 0.7, 0.3, 0.2, 0.1. For sensitivity 0.75 the highest threshold is 0.6
    // (3 of 4 positives at or above it), where 3 of 4 negatives fall below: specificity 0.75.
    private const string Sample = "score,label\n0.9,1\n0.8,1\n0.6,1\n0.4,1\n0.7,0\n0.3,0\n0.2,0\n0.1,0\n";

    private readonly TempDirectory _dir = new();
    private readonly ScreeningDbContextFactory _contexts;
    private readonly EfSiteProfileStore _store;
    private readonly SiteCalibrationService _calibration;

    public SiteProfileStoreTests()
    {
        _contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _dir.File("sites.db") });
        _contexts.Migrate();
        _store = new EfSiteProfileStore(_contexts);
        _calibration = new SiteCalibrationService(_store, Options.Create(new SiteCalibrationOptions { BootstrapReplicates = 50 }));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task ACalibrationProposesAVersionThatDecidesNothingUntilApproved()
    {
        await _store.CreateSiteAsync("North", [SiteRule.Parse("institution: North General")], "alice");
        var v1 = await _calibration.FromCsvAsync("north", Sample, "north.csv", 0.75, "alice");

        Assert.Equal((1, SiteProfileStates.Proposed, 0.6, 0.75, 0.75, 4, 4), (v1.Version, v1.State, v1.Threshold, v1.Sensitivity, v1.Specificity, v1.Positives, v1.Negatives));
        Assert.Equal("upload:north.csv", v1.SampleSource);
        Assert.Single(v1.Warnings, w => w.StartsWith("small sample (4 positives, 4 negatives; at least 30", StringComparison.Ordinal));
        Assert.Null(v1.ApprovedBy);
        var context = new SiteContext("North General", null);
        Assert.Equal(new DecidingProfile("North", null, 0.8965, "institution: North General"), (await _store.ActiveAsync()).Resolve(context, 0.8965));

        var approved = await _store.ApproveAsync("North", 1, "bob");
        Assert.Equal((SiteProfileStates.Active, "bob"), (approved.State, approved.ApprovedBy));
        Assert.Equal(new DecidingProfile("North", 1, 0.6, "institution: North General"), (await _store.ActiveAsync()).Resolve(context, 0.8965));
    }

    [Fact]
    public async Task ANewCalibrationIsANewVersionAndOlderOnesAreKept()
    {
        await _store.CreateSiteAsync("North", [], "alice");
        await _calibration.FromCsvAsync("North", Sample, "a.csv", 0.75, "alice");
        await _store.ApproveAsync("North", 1, "bob");
        var v2 = await _calibration.FromCsvAsync("North", Sample, "b.csv", 1.0, "alice");
        Assert.Equal((2, 0.4), (v2.Version, v2.Threshold)); // all four positives: down to 0.4

        var site = (await _store.GetSiteAsync("North"))!;
        Assert.Equal([(2, SiteProfileStates.Proposed), (1, SiteProfileStates.Active)], site.Versions.Select(v => (v.Version, v.State)));
        Assert.Equal(1, site.Site.Active!.Version);

        await _store.ApproveAsync("North", 2, "bob");
        site = (await _store.GetSiteAsync("North"))!;
        Assert.Equal([(2, SiteProfileStates.Active), (1, SiteProfileStates.Retired)], site.Versions.Select(v => (v.Version, v.State)));
        Assert.Equal(site.Versions[0].SampleSha256, site.Versions[1].SampleSha256);
    }

    [Fact]
    public async Task EveryChangeIsAudited()
    {
        await _store.CreateSiteAsync("North", [SiteRule.Parse("station: XR-N1")], "alice");
        await _calibration.FromCsvAsync("North", Sample, "north.csv", 0.75, "alice");
        await _store.ApproveAsync("North", 1, "bob");

        var trail = (await new EfScreeningStore(_contexts).AuditTrailAsync(10)).Reverse().ToArray();
        Assert.Equal(
            [("alice", "site.create", "North"), ("alice", "site.calibrate", "North v1"), ("bob", "site.approve", "North v1")],
            trail.Select(a => (a.Actor, a.Action, a.Target!)));
        Assert.Equal("station: XR-N1", trail[0].Detail);
        Assert.StartsWith("proposed threshold 0.6 for sensitivity 0.75 on 4 positives and 4 negatives from upload:north.csv, sample sha256 ", trail[1].Detail);
        Assert.Equal("threshold 0.6 is now active", trail[2].Detail);
    }

    [Fact]
    public async Task ANameOrRuleTwiceIsAConflict()
    {
        await _store.CreateSiteAsync("North", [SiteRule.Parse("station: XR-N1")], "alice");
        Assert.Equal("site 'north' already exists", (await Assert.ThrowsAsync<SiteConflictException>(() => _store.CreateSiteAsync("north", [], "alice"))).Message);
        Assert.Equal("rule 'station: XR-N1' already belongs to site 'North'",
            (await Assert.ThrowsAsync<SiteConflictException>(() => _store.CreateSiteAsync("South", [SiteRule.Parse("station: xr-n1")], "alice"))).Message);
    }

    [Fact]
    public async Task UnknownSitesAndVersionsAreNamed()
    {
        await Assert.ThrowsAsync<UnknownSiteException>(() => _store.ApproveAsync("West", 1, "bob"));
        await _store.CreateSiteAsync("North", [], "alice");
        Assert.Equal("site 'North' has no profile version 3", (await Assert.ThrowsAsync<KeyNotFoundException>(() => _store.ApproveAsync("North", 3, "bob"))).Message);
    }

    [Fact]
    public async Task TheWorklistSampleIsTheSitesCasesWithAFinalTbOrNotTbLabel()
    {
        await _store.CreateSiteAsync("North", [], "alice");
        var screening = new EfScreeningStore(_contexts);
        async Task<long> Save(double score, string? site) => (await screening.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid()) with
        {
            EnsembleProbability = score,
            DecidedBy = new DecidingProfile(site, null, 0.8965, site is null ? null : "station: XR-N1"),
        })).ResultId;
        await screening.AddReviewAsync(await Save(0.9, "North"), "rad", "tb", "tb", null);
        long overruled = await Save(0.7, "North");
        await screening.AddReviewAsync(overruled, "rad", "tb", "tb", null);
        await screening.AddReviewAsync(overruled, "rad2", "not-tb", "not-tb", "second read"); // the latest review counts
        await screening.AddReviewAsync(await Save(0.5, "North"), "rad", "indeterminate", "indeterminate", null);
        await Save(0.4, "North"); // not reviewed
        await screening.AddReviewAsync(await Save(0.3, null), "rad", "tb", "tb", null); // another site

        var sample = await _store.ReviewedSampleAsync("North");
        Assert.Equal([new LabelledScore(0.9, true), new LabelledScore(0.7, false)], sample.Cases.OrderByDescending(c => c.Score));
        Assert.Equal("site 'North' has no screened cases with a radiologist's final label tb or not-tb yet",
            (await Assert.ThrowsAsync<SiteCalibrationException>(() => _calibration.ProposeAsync("North", new SiteSample([]), SiteCalibrationService.WorklistSource, 0.9, "alice"))).Message);
        var fromWorklist = await _calibration.FromWorklistAsync("North", 0.9, "alice");
        Assert.Equal((0.9, "worklist", 1, 1), (fromWorklist.Threshold, fromWorklist.SampleSource!, fromWorklist.Positives, fromWorklist.Negatives));
    }

    [Fact]
    public async Task StoredResultsKeepTheProfileThatDecidedThem()
    {
        var screening = new EfScreeningStore(_contexts);
        var stored = await screening.SaveOutcomeAsync(Outcomes.Ok(Outcomes.NewUid()) with { DecidedBy = new DecidingProfile("North", 3, 0.42, "station: XR-N1") });
        Assert.Equal(new DecidingProfile("North", 3, 0.42, "station: XR-N1"), (await screening.GetResultAsync(stored.ResultId))!.Outcome.DecidedBy);
        await using var ctx = _contexts.CreateDbContext();
        Assert.Equal(1, await ctx.Results.CountAsync(r => r.SiteName == "North" && r.SiteProfileVersion == 3));
    }
}
