using Microsoft.Data.Sqlite;
using TbScreen.Dicom;
using TbScreen.Dicom.Querying;
using TbScreen.Screening.Persistence;

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

    /// <summary>
    /// Over capacity the oldest object's header goes, not the whole cache: with room for one, the capture (the newer
    /// row) stays cached, shown by damaging its bytes, and the report (the older) is read again, shown by damaging its.
    /// </summary>
    [Fact]
    public async Task Over_capacity_the_oldest_objects_header_is_dropped_and_the_newest_kept()
    {
        var stored = await StoredResult.CreateAsync(_root, screened);
        var studies = new ResultStudies(stored.Outbox, stored.Content, capacity: 1);
        var everything = DicomQuery.FromIdentifier(new DicomDataset(), QueryLevel.Instance);
        var sr = stored.Rows.Single(r => r.Kind == "sr");
        var sc = stored.Rows.Single(r => r.Kind == "sc");
        Assert.True(sc.Id > sr.Id);
        string Path(DicomDeliveryInfo row) => Directory.GetFiles(stored.Content.Root, row.ContentSha256, SearchOption.AllDirectories).Single();
        await studies.FindInstancesAsync(everything, null, null, default);
        byte[] captureBytes = File.ReadAllBytes(Path(sc));

        File.WriteAllBytes(Path(sc), [1, 2, 3]);
        var kept = await studies.FindInstancesAsync(everything, null, null, default);
        Assert.Equal(sc.SopInstanceUid, kept.Single(i => i.Row.Kind == "sc").Header.GetString(DicomTag.SopInstanceUid));

        File.WriteAllBytes(Path(sc), captureBytes);
        File.WriteAllBytes(Path(sr), [1, 2, 3]);
        await Assert.ThrowsAnyAsync<Exception>(() => studies.FindInstancesAsync(everything, null, null, default));
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
