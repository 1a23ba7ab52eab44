using Microsoft.Data.Sqlite;
using TbScreen.Dicom;
using TbScreen.Dicom.Querying;

namespace TbScreen.Pacs.Tests;

/// <summary>
/// The search's header cache: a second search reads nothing from the store (shown by damaging the stored bytes
/// after the first), pixel data is not kept, and a purged object's attributes are gone at once.
/// </summary>
public sealed class ResultStudiesTests(ResultReportTests.Screened screened) : IClassFixture<ResultReportTests.Screened>, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tbscreen-pacs-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Headers_are_read_once_kept_without_pixels_and_dropped_when_purged()
    {
        var stored = await StoredResult.CreateAsync(_root, screened);
        var studies = new ResultStudies(stored.Outbox, stored.Content);
        var everything = DicomQuery.FromIdentifier(new DicomDataset(), QueryLevel.Instance);
        var sc = stored.Rows.Single(r => r.Kind == "sc");
        string path = Directory.GetFiles(stored.Content.Root, sc.ContentSha256, SearchOption.AllDirectories).Single();

        var first = await studies.FindInstancesAsync(everything, null, null, default);
        File.WriteAllBytes(path, [1, 2, 3]); // a read now fails: the stored bytes no longer match their hash
        Assert.ThrowsAny<Exception>(() => stored.Content.Get(sc.ContentSha256));
        var second = await studies.FindInstancesAsync(everything, null, null, default);

        Assert.Equal(2, first.Count);
        var capture = second.Single(i => i.Row.Kind == "sc").Header;
        Assert.Equal(sc.SopInstanceUid, capture.GetString(DicomTag.SopInstanceUid));
        Assert.Equal(screened.Source.GetString(DicomTag.PatientId), capture.GetString(DicomTag.PatientId));
        Assert.Null(capture[DicomTag.PixelData]);

        File.Delete(path); // purged
        var afterPurge = await studies.FindInstancesAsync(everything, null, null, default);

        Assert.Null(afterPurge.Single(i => i.Row.Kind == "sc").Header.GetString(DicomTag.PatientId));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
