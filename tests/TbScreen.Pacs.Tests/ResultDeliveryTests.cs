using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Pacs.Tests;

/// <summary>
/// The PACS outbox on SQLite: a result's SR and heatmap capture are built and stored before any send; failed sends
/// wait out the back-off; a new instance (a restarted host) delivers what the old one could not, once.
/// </summary>
public sealed class ResultDeliveryTests(ResultReportTests.Screened screened) : IClassFixture<ResultReportTests.Screened>, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tbscreen-pacs-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Failed_deliveries_back_off_survive_a_restart_and_are_sent_once()
    {
        Directory.CreateDirectory(_root);
        var contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = Path.Combine(_root, "db.sqlite") });
        contexts.Migrate();
        var store = new EfScreeningStore(contexts);
        var content = new ContentStore(Path.Combine(_root, "store"));
        var stored = await new PersistentScreeningService(screened.Pipeline, store, content).ScreenAsync(screened.SourcePath);
        var outbox = new DicomOutboxStore(contexts);
        var destination = DicomPeer.Parse("PACS@127.0.0.1:11112");

        var uids = await new ResultDelivery(outbox, store, content, NullLogger.Instance).EnqueueAsync(stored.ResultId, destination, screened.Pipeline);
        Assert.Equal(2, uids.Count);
        var rows = await outbox.ForResultAsync(stored.ResultId);
        Assert.Equal(["sr", "sc"], rows.Select(r => r.Kind));
        Assert.All(rows, r => Assert.True(content.Contains(r.ContentSha256)));

        var t0 = DateTime.UtcNow;
        var pacs = new RecordingSender { Down = true };
        var delivery = new ResultDelivery(outbox, store, content, NullLogger.Instance);
        Assert.Equal((0, 2), await delivery.DeliverDueAsync(pacs, t0));
        Assert.Equal((0, 0), await delivery.DeliverDueAsync(pacs, t0.AddSeconds(20)));   // the 30 s back-off is not over
        Assert.Equal((0, 2), await delivery.DeliverDueAsync(pacs, t0.AddSeconds(31)));   // second failure: 60 s now
        var waiting = await outbox.ForResultAsync(stored.ResultId);
        Assert.All(waiting, r => Assert.Equal((2, "PACS refused: out of resources", false), (r.Attempts, r.LastError, r.IsSent)));

        // PACS is back, and the host restarted: a new service over the same database and store.
        pacs.Down = false;
        var restarted = new ResultDelivery(outbox, store, content, NullLogger.Instance);
        Assert.Equal((0, 0), await restarted.DeliverDueAsync(pacs, t0.AddSeconds(60)));  // due at 31 + 60 s
        Assert.Equal((2, 0), await restarted.DeliverDueAsync(pacs, t0.AddSeconds(92)));
        Assert.Equal((0, 0), await restarted.DeliverDueAsync(pacs, t0.AddHours(2)));
        var done = await outbox.ForResultAsync(stored.ResultId);
        Assert.All(done, r => Assert.Equal((3, true), (r.Attempts, r.IsSent)));
        Assert.Equal(2, pacs.Delivered.Count);
        var classes = pacs.Delivered.Select(b => new DicomReader().Parse(b, "sent.dcm").Dataset.GetString(DicomTag.SopClassUid)).ToList();
        Assert.Equal([HeatmapCapture.SecondaryCaptureClassUid, ResultReport.ComprehensiveSrClassUid], classes.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(0, 30)]
    [InlineData(1, 60)]
    [InlineData(3, 240)]
    [InlineData(7, 3600)]
    [InlineData(40, 3600)]
    public void The_back_off_doubles_from_30_seconds_to_an_hour(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ResultDelivery.Backoff(failures));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private sealed class RecordingSender : IDicomSender
    {
        public bool Down { get; set; }

        public List<byte[]> Delivered { get; } = [];

        public Task SendAsync(DicomPeer destination, byte[] part10, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new IOException("PACS refused: out of resources");
            }

            Delivered.Add(part10);
            return Task.CompletedTask;
        }
    }
}
