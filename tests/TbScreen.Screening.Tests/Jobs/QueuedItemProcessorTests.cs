using Microsoft.Data.Sqlite;
using TbScreen.Dicom;
using TbScreen.Inference.Stability;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;
using TbScreen.Screening.Storage;
using TbScreen.Screening.Tests.Persistence;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Jobs;

/// <summary>
/// The transport-free half of a queue worker, on SQLite with the shipped models: a redelivered message never makes
/// a second result, other models are refused, dead letters end processing-failed, stored files are found by hash,
/// and the dispatched engine writes the rows of the local one.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class QueuedItemProcessorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PipelineFixture _fixture;
    private readonly ScreeningDbContextFactory _contexts;
    private readonly EfScreeningStore _store;
    private readonly PersistentScreeningService _service;

    public QueuedItemProcessorTests(PipelineFixture fixture)
    {
        _fixture = fixture;
        _contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _dir.File("db.sqlite") });
        _contexts.Migrate();
        _store = new EfScreeningStore(_contexts);
        _service = new PersistentScreeningService(fixture.Pipeline, _store);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_redelivered_item_is_acknowledged_without_a_second_result()
    {
        var (job, items) = await JobAsync(Write("a.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 21)));
        var processor = new QueuedItemProcessor(_service, _service, content: null);
        var message = Message(job, items[0]);

        Assert.Equal(QueuedItemVerdict.Completed, await processor.ProcessAsync(message, CancellationToken.None));
        Assert.Equal(QueuedItemVerdict.AlreadyDone, await processor.ProcessAsync(message, CancellationToken.None));

        var info = (await _store.GetJobAsync(job))!;
        Assert.Equal((1, 1, 0), (info.Total, info.Succeeded, info.Failed));
        Assert.Single(await _store.RecentResultsAsync(10));
        Assert.Equal(1, (await _store.ItemsAsync(job))[0].Attempts);
    }

    [Fact]
    public async Task Another_model_version_is_refused_untouched()
    {
        var (job, items) = await JobAsync(Write("a.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 22)));
        var processor = new QueuedItemProcessor(_service, _service, content: null);

        var verdict = await processor.ProcessAsync(Message(job, items[0]) with { ModelVersion = "alexnet@9.9.9" }, CancellationToken.None);

        Assert.Equal(QueuedItemVerdict.WrongModels, verdict);
        Assert.True((await _store.ItemsAsync(job))[0].IsPending);
        Assert.Equal(0, (await _store.ItemsAsync(job))[0].Attempts);
    }

    [Fact]
    public async Task A_dead_letter_finishes_its_item_processing_failed_once()
    {
        var (job, items) = await JobAsync(Write("a.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 23)), Write("b.dcm", [1, 2, 3]));
        var processor = new QueuedItemProcessor(_service, _service, content: null);

        await processor.GiveUpAsync(Message(job, items[0]), deliveries: 4, CancellationToken.None);
        await processor.GiveUpAsync(Message(job, items[0]), deliveries: 5, CancellationToken.None);
        Assert.Equal(QueuedItemVerdict.Completed, await processor.ProcessAsync(Message(job, items[1]), CancellationToken.None));

        var item = (await _store.ItemsAsync(job)).Single(i => i.Id == items[0].Id);
        Assert.Equal("processing-failed", item.Status);
        Assert.Equal("no worker finished this file in 4 deliveries (each worker that took it stopped first); not tried again", item.Error);
        var info = (await _store.GetJobAsync(job))!;
        Assert.Equal((2, 0, 2, 0), (info.Total, info.Succeeded, info.Failed, info.Pending));
        // The sniffed file gets the row a local run gives it.
        var other = (await _store.ItemsAsync(job)).Single(i => i.Id == items[1].Id);
        Assert.Equal(("unreadable-image", InputSniffer.WhyNotAnImage(items[1].Path)), (other.Status, other.Error));
    }

    [Fact]
    public async Task An_item_in_the_content_store_is_read_by_its_hash_and_reported_under_its_job_path()
    {
        var content = ContentStores.Open(_dir.File("store"), encrypt: true); // sealed on disk: read through the store, never by path
        byte[] bytes = RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 24);
        string sha = content.Put(bytes);
        string jobPath = "/received/study-1/image-1";
        long job = (await _store.CreateJobAsync(["received"])).Id;
        await _store.AddItemsAsync(job, [jobPath]);
        var item = (await _store.ItemsAsync(job))[0];
        var processor = new QueuedItemProcessor(_service, _service, content);

        var message = Message(job, item) with { Location = QueuedItem.ContentPrefix + sha };
        Assert.Equal(QueuedItemVerdict.Completed, await processor.ProcessAsync(message, CancellationToken.None));

        var stored = (await _store.ItemsAsync(job))[0];
        Assert.Equal("ok", stored.Status);
        var result = (await _store.GetResultAsync(stored.ResultId!.Value))!;
        Assert.Equal(sha, result.Outcome.ContentSha256);
        Assert.Equal(_fixture.Pipeline.Screen(new MemoryStream(bytes), "x").EnsembleProbability, result.Outcome.EnsembleProbability);
        Assert.Equal(sha, message.StoredSha256);

        // A worker without the store cannot read such an item, and says so.
        await _store.AddItemsAsync(job, ["/received/study-1/image-2"]);
        var second = (await _store.ItemsAsync(job)).Single(i => i.Path.EndsWith("image-2", StringComparison.Ordinal));
        var noStore = new QueuedItemProcessor(_service, _service, null);
        await Assert.ThrowsAsync<InvalidOperationException>(() => noStore.ProcessAsync(Message(job, second) with { Location = QueuedItem.ContentPrefix + sha }, CancellationToken.None));
    }

    [Fact]
    public async Task A_purged_or_tampered_stored_item_completes_with_the_reason()
    {
        var content = ContentStores.Open(_dir.File("store"), encrypt: true);
        string sha = content.Put(RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 25));
        string gone = new string('a', 64);
        long job = (await _store.CreateJobAsync(["received"])).Id;
        await _store.AddItemsAsync(job, ["/r/tampered", "/r/purged"]);
        var items = await _store.ItemsAsync(job);
        byte[] disk = File.ReadAllBytes(content.PathFor(sha));
        disk[^1] ^= 1;
        File.WriteAllBytes(content.PathFor(sha), disk);
        var processor = new QueuedItemProcessor(_service, _service, content);

        await processor.ProcessAsync(Message(job, items[0]) with { Location = QueuedItem.ContentPrefix + sha }, CancellationToken.None);
        await processor.ProcessAsync(Message(job, items[1]) with { Location = QueuedItem.ContentPrefix + gone }, CancellationToken.None);

        var done = await _store.ItemsAsync(job);
        Assert.All(done, i => Assert.Equal("unreadable-image", i.Status));
        Assert.Contains("integrity check", done.Single(i => i.Path == "/r/tampered").Error, StringComparison.Ordinal);
        Assert.Contains("no longer in the content store", done.Single(i => i.Path == "/r/purged").Error, StringComparison.Ordinal);
        Assert.Empty(await _store.PendingItemsAsync(job));
    }

    [Fact]
    public void A_message_survives_its_wire_form_and_garbage_is_refused()
    {
        var message = new QueuedItem { JobId = 7, ItemId = 9, ItemPath = "/a/b.dcm", Location = "/mnt/a/b.dcm", ModelVersion = "alexnet@1.0.0+googlenet@1.0.0", Site = "north", Heatmap = true };
        Assert.Equal(message, QueuedItem.Parse(message.ToBytes()));
        Assert.Throws<FormatException>(() => QueuedItem.Parse("{not json"u8));
        Assert.Throws<FormatException>(() => QueuedItem.Parse("{\"jobId\":1}"u8));
    }

    [Fact]
    public void A_fixed_site_profile_survives_the_wire_even_without_a_target_and_a_bad_one_is_refused()
    {
        // A site.json from before profiles has no target or CIs: NaN there must not stop the message.
        var profile = Profile(0.25) with { TargetSensitivity = double.NaN, Sensitivity = double.NaN };
        var message = new QueuedItem { JobId = 7, ItemId = 9, ItemPath = "/a/b.dcm", Location = "/a/b.dcm", ModelVersion = "m+site@clinic v3:0.25", SiteProfile = profile };

        var back = QueuedItem.Parse(message.ToBytes()).SiteProfile!;

        Assert.Equal((profile.Site, profile.Version, profile.Threshold, profile.SampleSha256), (back.Site, back.Version, back.Threshold, back.SampleSha256));
        Assert.True(double.IsNaN(back.TargetSensitivity));
        Assert.Throws<FormatException>(() => QueuedItem.Parse((message with { SiteProfile = Profile(1.5) }).ToBytes()));
        Assert.Throws<FormatException>(() => QueuedItem.Parse((message with { SiteProfile = Profile(0.5) with { Site = " " } }).ToBytes()));
    }

    [Fact]
    public async Task An_item_under_a_fixed_profile_is_decided_by_it_and_never_reuses_a_result_decided_otherwise()
    {
        string path = Write("a.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 26));
        var made = new List<SiteProfile>();
        var processor = new QueuedItemProcessor(_service, _service, content: null, variant =>
        {
            made.Add(variant.Profile!);
            return new PersistentScreeningService(new ScreeningPipeline(_fixture.Pipeline.Ensemble) { Sites = SiteProfiles.Fixed(variant.Profile!) }, _store);
        });

        // First decided at the shipped threshold, then in another job under a profile at 0 (every film is tb there).
        var (plainJob, plainItems) = await JobAsync(path);
        Assert.Equal(QueuedItemVerdict.Completed, await processor.ProcessAsync(Message(plainJob, plainItems[0]), CancellationToken.None));
        var shipped = (await _store.GetResultAsync((await _store.ItemsAsync(plainJob))[0].ResultId!.Value))!.Outcome;
        Assert.True(shipped.DecidedBy!.IsShipped);

        var profile = Profile(0);
        string version = _fixture.Pipeline.ModelVersion + "+site@clinic v3:0";
        var (job, items) = await JobAsync(path);
        var message = Message(job, items[0]) with { SiteProfile = profile, ModelVersion = version };
        Assert.Equal(QueuedItemVerdict.Completed, await processor.ProcessAsync(message, CancellationToken.None));
        Assert.Equal(QueuedItemVerdict.AlreadyDone, await processor.ProcessAsync(message, CancellationToken.None));

        var outcome = (await _store.GetResultAsync((await _store.ItemsAsync(job))[0].ResultId!.Value))!.Outcome;
        Assert.Equal((version, "clinic v3", 0.0, "--site-profile", "tb"), (outcome.ModelVersion, outcome.DecidedBy!.Label, outcome.DecidedBy.Threshold, outcome.DecidedBy.MatchedBy, outcome.Decision));
        Assert.Equal(shipped.EnsembleProbability, outcome.EnsembleProbability);
        Assert.Single(made); // one service per profile, made once
    }

    [Fact]
    public async Task A_profiled_item_goes_back_to_the_queue_when_its_version_or_the_worker_does_not_fit()
    {
        var (job, items) = await JobAsync(Write("a.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 27)));
        var profiled = Message(job, items[0]) with { SiteProfile = Profile(0.3), ModelVersion = _fixture.Pipeline.ModelVersion + "+site@clinic v3:0.3" };
        var withProfiles = new QueuedItemProcessor(_service, _service, content: null,
            variant => new PersistentScreeningService(new ScreeningPipeline(_fixture.Pipeline.Ensemble) { Sites = SiteProfiles.Fixed(variant.Profile!) }, _store));

        // A worker that cannot screen under profiles; an item that names the models but not the profile's mark.
        Assert.Equal(QueuedItemVerdict.WrongModels, await new QueuedItemProcessor(_service, _service, content: null).ProcessAsync(profiled, CancellationToken.None));
        Assert.Equal(QueuedItemVerdict.WrongModels, await withProfiles.ProcessAsync(profiled with { ModelVersion = _fixture.Pipeline.ModelVersion }, CancellationToken.None));
        Assert.Equal(QueuedItemVerdict.WrongModels, await withProfiles.ProcessAsync(profiled with { SiteProfile = Profile(0.31) }, CancellationToken.None));

        var item = (await _store.ItemsAsync(job))[0];
        Assert.Equal((true, 0), (item.IsPending, item.Attempts));
    }

    /// <summary>
    /// Regression for the web host too: with the check on, a result screened without it (same image, same models) was
    /// reused, so the answer silently lacked the check. The check's mark in the model version keeps them apart.
    /// </summary>
    [Fact]
    public async Task An_item_with_a_stability_check_runs_it_and_never_reuses_an_unchecked_result()
    {
        string path = Write("a.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 28));
        var stability = new StabilityOptions { Enabled = true, Epsilon = 0.45 };
        var made = new List<ScreeningVariant>();
        var processor = new QueuedItemProcessor(_service, _service, content: null, variant =>
        {
            made.Add(variant);
            return new PersistentScreeningService(new ScreeningPipeline(_fixture.Pipeline.Ensemble, new ScreeningOptions { Heatmap = variant.Heatmap }.WithStability(variant.Stability)), _store);
        });
        var (plainJob, plainItems) = await JobAsync(path);
        Assert.Equal(QueuedItemVerdict.Completed, await processor.ProcessAsync(Message(plainJob, plainItems[0]), CancellationToken.None));
        var plain = (await _store.GetResultAsync((await _store.ItemsAsync(plainJob))[0].ResultId!.Value))!.Outcome;

        string version = _fixture.Pipeline.ModelVersion + "+stability@0.45";
        var (job, items) = await JobAsync(path);
        var message = Message(job, items[0]) with { Stability = stability, ModelVersion = version };
        Assert.Equal(QueuedItemVerdict.WrongModels, await new QueuedItemProcessor(_service, _service, content: null).ProcessAsync(message, CancellationToken.None));
        Assert.Equal(QueuedItemVerdict.WrongModels, await processor.ProcessAsync(message with { ModelVersion = _fixture.Pipeline.ModelVersion }, CancellationToken.None));
        Assert.Equal(QueuedItemVerdict.Completed, await processor.ProcessAsync(message, CancellationToken.None));

        var checkedOutcome = (await _store.GetResultAsync((await _store.ItemsAsync(job))[0].ResultId!.Value))!.Outcome;
        // Screened anew by a pipeline made for that very check (the screener runs it whenever it is enabled:
        // StabilityCheckTests), not the plain result reused.
        Assert.Equal([new ScreeningVariant(null, stability, false)], made);
        Assert.Equal(version, checkedOutcome.ModelVersion);
        Assert.Equal(2, (await _store.RecentResultsAsync(10)).Count);
        Assert.Equal(plain.EnsembleProbability, checkedOutcome.EnsembleProbability);
    }

    [Fact]
    public void A_stability_check_survives_the_wire_and_a_bad_one_is_refused()
    {
        var stability = new StabilityOptions { Enabled = true, Epsilon = 3 / 255.0, Seed = 7 };
        var message = new QueuedItem { JobId = 7, ItemId = 9, ItemPath = "/a/b.dcm", Location = "/a/b.dcm", ModelVersion = "m+" + stability.Mark, Stability = stability };

        Assert.Equal(stability, QueuedItem.Parse(message.ToBytes()).Stability);
        Assert.Null(QueuedItem.Parse((message with { Stability = null }).ToBytes()).Stability);
        Assert.Throws<FormatException>(() => QueuedItem.Parse((message with { Stability = stability with { Enabled = false } }).ToBytes()));
        Assert.Throws<FormatException>(() => QueuedItem.Parse((message with { Stability = stability with { Epsilon = 0 } }).ToBytes()));
    }

    [Fact]
    public void The_model_version_marks_the_profile_and_the_stability_check()
    {
        var check = new StabilityOptions { Enabled = true };
        Assert.Equal("stability@0.00784313725490196", check.Mark);
        Assert.Equal("stability@0.01:4/3/4/seed2", (check with { Epsilon = 0.01, SearchSteps = 3, Seed = 2 }).Mark);
        Assert.Equal("m", ScreeningPipeline.VersionFor("m", null, check with { Enabled = false }));
        Assert.Equal("m+site@clinic v3:0.25+stability@0.00784313725490196", ScreeningPipeline.VersionFor("m", Profile(0.25), check));

        var options = new ScreeningOptions { StabilityCheck = true, StabilitySeed = 2, StabilitySearchSteps = 3, StabilityEpsilon = 0.01 };
        Assert.Equal(_fixture.Pipeline.ModelVersion + "+stability@0.01:4/3/4/seed2", new ScreeningPipeline(_fixture.Pipeline.Ensemble, options).ModelVersion);
        Assert.Equal(options.ToStabilityOptions(), new ScreeningOptions().WithStability(options.ToStabilityOptions()).ToStabilityOptions());
        Assert.False(new ScreeningOptions { StabilityCheck = true }.WithStability(null).StabilityCheck);
    }

    [Fact]
    public async Task The_dispatched_engine_writes_the_rows_of_the_local_engine()
    {
        string folder = _dir.File("in");
        Directory.CreateDirectory(folder);
        Write(Path.Combine("in", "a.dcm"), RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 31));
        Write(Path.Combine("in", "b.dcm"), RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 32));
        Write(Path.Combine("in", "c.txt"), "not an image"u8.ToArray());
        var inputs = new InputWalker(new InputWalkOptions()).Walk([folder]);

        var local = new RowsWriter();
        using (var store = PersistentJobStore.Open(_dir.File("local.sqlite")))
        {
            var finished = store.OpenJob("k", [folder], inputs, "{}");
            new BatchRunner(_fixture.Pipeline, store, jobs: 2).Run(inputs, finished, local, new SilentBatchProgress());
        }

        var dispatched = new RowsWriter();
        var progress = new CountingProgress();
        using (var store = PersistentJobStore.Open(_dir.File("dispatched.sqlite")))
        {
            var finished = store.OpenJob("k", [folder], inputs, "{}");
            var service = new PersistentScreeningService(_fixture.Pipeline, store.Store);
            var summary = await new DispatchedBatchRunner(store, new InProcessItemDispatcher(service, 2)).RunAsync(inputs, finished, dispatched, progress);
            Assert.Equal(new BatchSummary(3, 1, 3, 0), summary);
        }

        // Every field but the time taken (JSON: the member list compares by value, not by reference).
        Assert.Equal(local.Rows.Select(Text), dispatched.Rows.Select(Text));
        Assert.Equal("not a DICOM, PNG or JPEG file", dispatched.Rows[2].Error);
        Assert.Equal((3, 2, 1), (progress.Total, progress.Ok, progress.Failed));
    }

    private static string Text(BatchRow row) => System.Text.Json.JsonSerializer.Serialize(row with { Seconds = 0 });

    private async Task<(long Job, IReadOnlyList<BatchJobItemInfo> Items)> JobAsync(params string[] paths)
    {
        long job = (await _store.CreateJobAsync(paths)).Id;
        await _store.AddItemsAsync(job, paths);
        return (job, await _store.ItemsAsync(job));
    }

    private QueuedItem Message(long job, BatchJobItemInfo item) => new()
    {
        JobId = job,
        ItemId = item.Id,
        ItemPath = item.Path,
        Location = item.Path,
        ModelVersion = _fixture.Pipeline.ModelVersion,
    };

    private static SiteProfile Profile(double threshold) => new()
    {
        Site = "clinic",
        Version = 3,
        State = SiteProfileStates.Active,
        Threshold = threshold,
        TargetSensitivity = 0.9,
        SampleSha256 = new string('c', 64),
    };

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private sealed class RowsWriter : IResultWriter
    {
        public List<BatchRow> Rows { get; } = [];

        public void Write(BatchRow row) => Rows.Add(row);

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed class CountingProgress : IBatchProgress
    {
        public int Total { get; private set; }

        public int Ok { get; private set; }

        public int Failed { get; private set; }

        public void Started(int total, int alreadyDone) => Total = total;

        public void ItemDone(bool ok)
        {
            if (ok)
            {
                Ok++;
            }
            else
            {
                Failed++;
            }
        }

        public void Finished()
        {
        }
    }
}
