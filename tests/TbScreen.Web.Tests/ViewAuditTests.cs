using Microsoft.Data.Sqlite;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;

namespace TbScreen.Web.Tests;

public sealed class ViewAuditTests : IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), "tbscreen-view-audit-" + Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_db);
    }

    [Fact]
    public async Task A_user_viewing_an_image_again_after_the_window_gets_a_new_row()
    {
        var contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = _db });
        contexts.Migrate();
        var store = new EfScreeningStore(contexts);
        var clock = new StepClock();
        var audit = new ViewAudit(store, clock);

        await audit.RecordAsync("ann", "screening.image.view", 7, CancellationToken.None);
        await audit.RecordAsync("ann", "screening.image.view", 7, CancellationToken.None);
        await audit.RecordAsync("bob", "screening.image.view", 7, CancellationToken.None);
        await audit.RecordAsync("ann", "screening.heatmap.view", 7, CancellationToken.None);
        clock.Now += ViewAudit.Window;
        await audit.RecordAsync("ann", "screening.image.view", 7, CancellationToken.None);

        var rows = (await store.AuditTrailAsync(100)).Reverse().Select(e => (e.Actor, e.Action, e.Target)).ToList();
        Assert.Equal(
            [("ann", "screening.image.view", "result/7"), ("bob", "screening.image.view", "result/7"), ("ann", "screening.heatmap.view", "result/7"), ("ann", "screening.image.view", "result/7")],
            rows);
    }

    private sealed class StepClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
