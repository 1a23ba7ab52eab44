using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using TbScreen.Dicom;
using TbScreen.Dicom.Writing;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Persistence;

[Collection(PipelineCollection.Name)]
public sealed class PersistentScreeningServiceTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PipelineFixture _fixture;
    private readonly ScreeningDbContextFactory _contexts;
    private readonly PersistentScreeningService _service;
    private readonly ContentStore _content;

    public PersistentScreeningServiceTests(PipelineFixture fixture)
    {
        _fixture = fixture;
        _contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _dir.File("db.sqlite") });
        _contexts.Migrate();
        _content = new ContentStore(_dir.File("store"));
        _service = new PersistentScreeningService(fixture.Pipeline, new EfScreeningStore(_contexts), _content);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task TheSameBytesAgainComeFromTheStore()
    {
        byte[] file = RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid);
        var first = await _service.ScreenAsync(Write("a.dcm", file));
        var second = await _service.ScreenAsync(Write("b.dcm", file));

        Assert.True(first.Created);
        Assert.False(first.Outcome.FromStore);
        Assert.True(second.Outcome.FromStore);
        Assert.Equal(first.ResultId, second.ResultId);
        Assert.EndsWith("b.dcm", second.Outcome.Source);
        Assert.True(_content.Contains(first.Outcome.ContentSha256!));
    }

    [Fact]
    public async Task AnotherSyntaxOfTheSameImageIsScreenedAgainAndIsNoConflict()
    {
        var first = await _service.ScreenAsync(Write("a.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid)));
        var second = await _service.ScreenAsync(Write("b.dcm", RadiographFixtures.Dicom(TransferSyntax.RleLosslessUid)));

        Assert.Equal(first.Outcome.SopInstanceUid, second.Outcome.SopInstanceUid);
        Assert.NotEqual(first.Outcome.ContentSha256, second.Outcome.ContentSha256);
        Assert.Equal(first.Outcome.PixelSha256, second.Outcome.PixelSha256); // lossless: the same decoded pixels
        Assert.True(second.Created);
        Assert.False(second.Outcome.UidConflict);
        Assert.Equal(first.Outcome.EnsembleProbability!.Value, second.Outcome.EnsembleProbability!.Value, 6);
    }

    /// <summary>Regression (issue 17): a crafted file reusing a real study's SOP Instance UID with other pixels got the real image's result.</summary>
    [Fact]
    public async Task AFileWithACopiedUidAndOtherPixelsGetsItsOwnResultAndTheConflictFlag()
    {
        byte[] genuineFile = RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid);
        string uid = new DicomReader().Parse(genuineFile, "genuine").Dataset.GetString(DicomTag.SopInstanceUid)!.Trim();
        byte[] plantedFile = RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, d => d.AddString(DicomTag.SopInstanceUid, "UI", uid), seed: 7);

        var planted = await _service.ScreenAsync(Write("planted.dcm", plantedFile));
        var genuine = await _service.ScreenAsync(Write("genuine.dcm", genuineFile));

        Assert.Equal(uid, planted.Outcome.SopInstanceUid);
        Assert.Equal(uid, genuine.Outcome.SopInstanceUid);
        Assert.NotEqual(planted.Outcome.PixelSha256, genuine.Outcome.PixelSha256);
        Assert.True(genuine.Created, "the genuine image was handed the planted file's result");
        Assert.NotEqual(planted.ResultId, genuine.ResultId);
        Assert.False(planted.Outcome.UidConflict); // first with this UID
        Assert.True(genuine.Outcome.UidConflict);
        Assert.Contains(UidConflicts.FlagName, genuine.Outcome.Flag, StringComparison.Ordinal);
        Assert.Equal(genuine.Outcome.EnsembleProbability!.Value,
            (await new PersistentScreeningService(_fixture.Pipeline, new EfScreeningStore(_contexts)).ScreenAsync(Write("genuine-again.dcm", genuineFile))).Outcome.EnsembleProbability!.Value);
    }

    [Fact]
    public async Task ANewModelVersionScreensAgain()
    {
        string path = Write("a.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid));
        var first = await _service.ScreenAsync(path);
        var renamed = new RenamedPipeline(_fixture.Pipeline, "alexnet@2.0.0+googlenet@1.0.0");
        var other = await new PersistentScreeningService(renamed, new EfScreeningStore(_contexts)).ScreenAsync(path);
        Assert.True(other.Created);
        Assert.NotEqual(first.ResultId, other.ResultId);
    }

    [Fact]
    public async Task ConcurrentUploadsOfTheSameFileGiveOneResult()
    {
        var bytes = RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 5);
        using var start = new Barrier(4);
        var uploads = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            start.SignalAndWait();
            return await _service.ScreenAsync(new MemoryStream(bytes), $"upload-{i}.dcm");
        })).ToArray();
        var results = await Task.WhenAll(uploads);

        Assert.Single(results.Select(r => r.ResultId).Distinct());
        await using var ctx = _contexts.CreateDbContext();
        Assert.Equal(1, await ctx.Results.CountAsync(r => r.SopInstanceUid == RadiographFixtures.SopOf(5)));
    }

    [Fact]
    public async Task BatchItemsCompleteWithTheirCodes()
    {
        var store = new EfScreeningStore(_contexts);
        var good = Write("good.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid));
        var text = Write("notes.txt", RadiographFixtures.Text());
        var knee = Write("knee.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, ds => ds.AddStringCs(DicomTag.BodyPartExamined, "KNEE"), seed: 9));
        var job = await store.CreateJobAsync([_dir.Path]);
        await store.AddItemsAsync(job.Id, [good, text, knee]);
        foreach (var item in await store.PendingItemsAsync(job.Id))
        {
            await _service.ScreenItemAsync(job.Id, item.Path);
        }

        var items = await store.ItemsAsync(job.Id);
        Assert.Equal(["ok", "unreadable-image", "not-chest-xray"], items.Select(i => i.Status));
        Assert.Equal((1, 2, 0), ((await store.GetJobAsync(job.Id))!.Succeeded, (await store.GetJobAsync(job.Id))!.Failed, (await store.PendingItemsAsync(job.Id)).Count));
    }

    [Fact]
    public async Task AJobItemThatKilledTheProcessThreeTimesIsGivenUpOnSoTheJobFinishes()
    {
        // Regression (issue 17, item 2): the web host's jobs ignored the attempt count, so a file that crashes the
        // process brought it down again on every restart. Each begun attempt without a completion is a crash.
        var store = new EfScreeningStore(_contexts);
        string crasher = Write("crasher.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 11));
        string survivor = Write("survivor.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, seed: 12));
        var job = await store.CreateJobAsync([_dir.Path]);
        await store.AddItemsAsync(job.Id, [crasher, survivor]);
        for (int crash = 0; crash < TbScreen.Screening.Jobs.ItemAttempts.Max; crash++)
        {
            await store.BeginItemAsync(job.Id, crasher);
        }

        await store.BeginItemAsync(job.Id, survivor); // one crash: still tried again

        var gaveUp = await _service.ScreenItemAsync(job.Id, crasher);
        var screened = await _service.ScreenItemAsync(job.Id, survivor);

        Assert.Equal(ScreeningStatus.ProcessingFailed, gaveUp.Outcome.Status);
        Assert.Equal("the process ended while screening this file 3 times; not tried again", gaveUp.Outcome.Error);
        Assert.Equal(ScreeningStatus.Ok, screened.Outcome.Status);
        var items = await store.ItemsAsync(job.Id);
        Assert.Equal(["processing-failed", "ok"], items.Select(i => i.Status));
        Assert.Equal([4, 2], items.Select(i => i.Attempts));
        Assert.Empty(await store.PendingItemsAsync(job.Id));
    }

    [Fact]
    public async Task DependencyInjectionWiresEveryLayerFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Screening:ModelsDirectory"] = Repository.ModelsDirectory,
            ["Screening:Threads"] = "1",
            ["ConnectionStrings:TbScreen"] = "Data Source=" + _dir.File("di.db"),
            ["Persistence:ContentStoreDirectory"] = _dir.File("di-store"),
        }).Build();
        await using var provider = new ServiceCollection().AddScreening(configuration).AddScreeningPersistence(configuration).BuildServiceProvider();
        await provider.MigrateScreeningDatabaseAsync();

        var service = provider.GetRequiredService<PersistentScreeningService>();
        var stored = await service.ScreenAsync(Write("di.dcm", RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid)));
        Assert.Equal(ScreeningStatus.Ok, stored.Outcome.Status);
        Assert.Same(provider.GetRequiredService<IScreeningPipeline>(), provider.GetRequiredService<ScreeningPipeline>());
        Assert.True(File.Exists(_dir.File("di.db")));
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The real pipeline under another model version, as after a model upgrade.</summary>
    private sealed class RenamedPipeline(IScreeningPipeline inner, string version) : IScreeningPipeline
    {
        public string ModelVersion => version;

        public ScreeningOutcome Screen(string path, CancellationToken cancellationToken = default) => inner.Screen(path, cancellationToken) with { ModelVersion = version };

        public ScreeningOutcome Screen(Stream content, string sourceName, CancellationToken cancellationToken = default) =>
            inner.Screen(content, sourceName, cancellationToken) with { ModelVersion = version };
    }
}

internal static class DatasetEdits
{
    public static void AddStringCs(this DicomDataset ds, uint tag, string value) => TbScreen.Dicom.Writing.DicomDatasetExtensions.AddString(ds, tag, "CS", value);
}
