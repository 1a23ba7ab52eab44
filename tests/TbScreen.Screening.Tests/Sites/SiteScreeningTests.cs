using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using TbScreen.Dicom;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Sites;

/// <summary>The real pipeline and store: a result's site comes from its DICOM Station Name, its decision from the site's approved profile.</summary>
[Collection(PipelineCollection.Name)]
public sealed class SiteScreeningTests : IDisposable
{
    // Positives 0.001 and 0.9, negatives 0.0001 and 0.0005: for sensitivity 1 the threshold is 0.001, below any
    // phantom's ensemble score, so under this profile every phantom is "tb" (the shipped 0.8965 calls them not-tb).
    private const string LowThresholdSample = "score,label\n0.001,1\n0.9,1\n0.0001,0\n0.0005,0\n";

    private readonly TempDirectory _dir = new();
    private readonly PipelineFixture _fixture;
    private readonly EfSiteProfileStore _sites;
    private readonly SiteCalibrationService _calibration;
    private readonly PersistentScreeningService _service;

    public SiteScreeningTests(PipelineFixture fixture)
    {
        _fixture = fixture;
        var contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _dir.File("db.sqlite") });
        contexts.Migrate();
        _sites = new EfSiteProfileStore(contexts);
        _calibration = new SiteCalibrationService(_sites, Options.Create(new SiteCalibrationOptions { BootstrapReplicates = 20 }));
        _service = new PersistentScreeningService(fixture.Pipeline, new EfScreeningStore(contexts), sites: _sites);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task AProposedProfileChangesNothingUntilApproved()
    {
        double shipped = _fixture.Pipeline.Ensemble.Policy.Definition.Threshold;
        await _sites.CreateSiteAsync("Van", [SiteRule.Parse("station: VAN-1")], "admin");
        await _calibration.FromCsvAsync("Van", LowThresholdSample, "van.csv", 1.0, "admin");

        var before = (await _service.ScreenAsync(Write("a.dcm", seed: 1))).Outcome;
        Assert.Equal(new DecidingProfile("Van", null, shipped, "station: VAN-1"), before.DecidedBy);
        Assert.Equal(before.EnsembleProbability >= shipped ? "tb" : "not-tb", before.Decision);

        await _sites.ApproveAsync("Van", 1, "admin");
        var after = (await _service.ScreenAsync(Write("b.dcm", seed: 2))).Outcome;
        Assert.Equal(new DecidingProfile("Van", 1, 0.001, "station: VAN-1"), after.DecidedBy);
        Assert.True(after.EnsembleProbability >= 0.001);
        Assert.Equal("tb", after.Decision);
        Assert.Contains("threshold 0.0010", after.FlagReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheUploadsChosenSiteWinsAndAnUnknownOneIsRefused()
    {
        await _sites.CreateSiteAsync("Van", [SiteRule.Parse("station: VAN-1")], "admin");
        await _sites.CreateSiteAsync("Clinic", [], "admin");
        await _calibration.FromCsvAsync("Clinic", LowThresholdSample, "clinic.csv", 1.0, "admin");
        await _sites.ApproveAsync("Clinic", 1, "admin");

        var chosen = (await _service.ScreenAsync(new MemoryStream(Dicom(seed: 3)), "c.dcm", "clinic")).Outcome;
        Assert.Equal(new DecidingProfile("Clinic", 1, 0.001, "chosen for the upload or job"), chosen.DecidedBy);
        await Assert.ThrowsAsync<UnknownSiteException>(() => _service.ScreenAsync(new MemoryStream(Dicom(seed: 4)), "d.dcm", "West"));
    }

    [Fact]
    public async Task TheInputPropertiesAreStoredForMonitoring()
    {
        var stored = await _service.ScreenAsync(Write("e.dcm", seed: 5));
        var again = (await new EfScreeningStore(new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _dir.File("db.sqlite") })).GetResultAsync(stored.ResultId))!;
        Assert.Equal(new InputProperties(RadiographFixtures.Spec.Rows, RadiographFixtures.Spec.Columns, stored.Outcome.Input!.BitsStored, stored.Outcome.Input.PhotometricInterpretation), again.Outcome.Input);
        Assert.Equal("VAN-1", again.Outcome.Metadata!.StationName);
    }

    private static byte[] Dicom(int seed) =>
        RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, ds => TbScreen.Dicom.Writing.DicomDatasetExtensions.AddString(ds, DicomTag.StationName, "SH", "VAN-1"), seed);

    private string Write(string name, int seed)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, Dicom(seed));
        return path;
    }
}
