using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using TbScreen.Dicom;
using TbScreen.Dicom.Writing;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Persistence;

/// <summary>Issue 17 (High 3): the database holds a keyed pseudonym of the Patient ID, never the ID or the name.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PatientPseudonymTests : IDisposable
{
    private const string PatientId = "MRN-0042";
    private const string PatientName = "Phantom^Synthetic";
    private readonly TempDirectory _dir = new();
    private readonly PipelineFixture _fixture;
    private readonly ScreeningDbContextFactory _contexts;
    private readonly MasterKey _master;

    public PatientPseudonymTests(PipelineFixture fixture)
    {
        _fixture = fixture;
        _contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _dir.File("db.sqlite") });
        _contexts.Migrate();
        _master = MasterKey.LoadOrCreate(_dir.File("content.key"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task Images_of_one_patient_share_the_keyed_pseudonym_and_the_database_never_holds_the_id_or_name()
    {
        var service = Service(PatientPseudonyms.Under(_master));
        var first = await service.ScreenAsync(Radiograph("first.dcm", seed: 1, PatientId));
        var second = await service.ScreenAsync(Radiograph("second.dcm", seed: 7, PatientId));
        var stranger = await service.ScreenAsync(Radiograph("stranger.dcm", seed: 9, "MRN-9999"));

        // Independent of the product's code path: HMAC-SHA-256 of "issuer NUL id" under the derived key.
        byte[] master = Convert.FromBase64String(File.ReadAllText(_dir.File("content.key")).Trim());
        byte[] key = HMACSHA256.HashData(master, Encoding.UTF8.GetBytes("tbscreen:patient-pseudonym"));
        string expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("\0" + PatientId)));
        Assert.Equal(expected, first.Outcome.Metadata!.PatientPseudonym);
        Assert.Equal(expected, second.Outcome.Metadata!.PatientPseudonym);
        Assert.NotEqual(expected, stranger.Outcome.Metadata!.PatientPseudonym);
        Assert.Null(first.Outcome.Metadata.PatientId);

        var store = new EfScreeningStore(_contexts);
        Assert.Equal(expected, (await store.GetResultAsync(first.ResultId))!.Outcome.Metadata!.PatientPseudonym);
        Assert.Equal([second.ResultId], (await store.SamePatientResultsAsync(first.ResultId, 10)).Select(r => r.ResultId));
        Assert.Equal([first.ResultId], (await store.SamePatientResultsAsync(second.ResultId, 10)).Select(r => r.ResultId));
        Assert.Empty(await store.SamePatientResultsAsync(stranger.ResultId, 10));

        SqliteConnection.ClearAllPools();
        foreach (string file in Directory.EnumerateFiles(_dir.Path, "db.sqlite*"))
        {
            string bytes = Encoding.Latin1.GetString(File.ReadAllBytes(file));
            Assert.DoesNotContain(PatientId, bytes, StringComparison.Ordinal);
            Assert.DoesNotContain(PatientName, bytes, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_host_without_a_key_stores_no_pseudonym_and_links_nothing()
    {
        var service = Service(PatientPseudonyms.None);
        var first = await service.ScreenAsync(Radiograph("first.dcm", seed: 1, PatientId));
        var second = await service.ScreenAsync(Radiograph("second.dcm", seed: 7, PatientId));

        Assert.Null(first.Outcome.Metadata!.PatientPseudonym);
        Assert.Null(first.Outcome.Metadata.PatientId);
        Assert.Empty(await new EfScreeningStore(_contexts).SamePatientResultsAsync(second.ResultId, 10));
    }

    [Fact]
    public async Task Another_issuer_of_the_same_id_is_another_patient()
    {
        var service = Service(PatientPseudonyms.Under(_master));
        var north = await service.ScreenAsync(Radiograph("north.dcm", seed: 1, PatientId, issuer: "NORTH"));
        var south = await service.ScreenAsync(Radiograph("south.dcm", seed: 7, PatientId, issuer: "SOUTH"));

        Assert.NotEqual(north.Outcome.Metadata!.PatientPseudonym, south.Outcome.Metadata!.PatientPseudonym);
        Assert.Empty(await new EfScreeningStore(_contexts).SamePatientResultsAsync(north.ResultId, 10));
    }

    private PersistentScreeningService Service(PatientPseudonyms pseudonyms) => new(
        new ScreeningPipeline(_fixture.Pipeline.Ensemble, new ScreeningOptions { Heatmap = false }) { Pseudonyms = pseudonyms },
        new EfScreeningStore(_contexts), new ContentStore(_dir.File("store")));

    private string Radiograph(string name, int seed, string patientId, string? issuer = null)
    {
        byte[] bytes = RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid, d =>
        {
            d.AddString(DicomTag.PatientId, "LO", patientId);
            d.AddString(DicomTag.PatientName, "PN", PatientName);
            if (issuer is not null)
            {
                d.AddString(DicomTag.IssuerOfPatientId, "LO", issuer);
            }
        }, seed);
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
