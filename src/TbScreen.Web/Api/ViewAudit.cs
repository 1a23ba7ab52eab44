using System.Collections.Concurrent;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Api;

/// <summary>
/// Audits views of image renderings (issue 17: every view of an image or heatmap), once per user, result and kind
/// within a window: the viewer fetches a PNG on every window change, and one row per user and image says who looked.
/// </summary>
public sealed class ViewAudit(IScreeningStore store, TimeProvider? clock = null)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string Actor, string Action, long Result), DateTimeOffset> _last = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task RecordAsync(string actor, string action, long resultId, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var key = (actor, action, resultId);
        if (_last.TryGetValue(key, out var last) && now - last < Window)
        {
            return;
        }

        // Remembered only once the row is written: a failed write leaves the next view to be recorded, not skipped.
        await store.RecordAsync(actor, action, $"result/{resultId}", "png", cancellationToken);
        _last[key] = now;
        if (_last.Count > 100_000)
        {
            foreach (var old in _last.Where(e => now - e.Value >= Window).Select(e => e.Key).ToList())
            {
                _last.TryRemove(old, out _);
            }
        }
    }
}
