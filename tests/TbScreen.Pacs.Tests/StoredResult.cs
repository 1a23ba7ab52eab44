using Microsoft.Extensions.Logging.Abstractions;
using TbScreen.Dicom.Network;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Pacs.Tests;

/// <summary>One screened radiograph with its SR and heatmap capture queued as result objects, in a fresh database and store under a folder.</summary>
internal sealed record StoredResult(DicomOutboxStore Outbox, ContentStore Content, EfScreeningStore Store, IReadOnlyList<DicomDeliveryInfo> Rows)
{
    public static async Task<StoredResult> CreateAsync(string root, ResultReportTests.Screened screened)
    {
        Directory.CreateDirectory(root);
        var contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = Path.Combine(root, "db.sqlite") });
        contexts.Migrate();
        var store = new EfScreeningStore(contexts);
        var content = new ContentStore(Path.Combine(root, "store"));
        var stored = await new PersistentScreeningService(screened.Pipeline, store, content).ScreenAsync(screened.SourcePath);
        var outbox = new DicomOutboxStore(contexts);
        await new ResultDelivery(outbox, store, content, NullLogger.Instance).EnqueueAsync(stored.ResultId, DicomPeer.Parse("PACS@127.0.0.1:11112"), screened.Pipeline);
        return new StoredResult(outbox, content, store, await outbox.ForResultAsync(stored.ResultId));
    }
}
