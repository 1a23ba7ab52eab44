using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Persistence.Entities;

namespace TbScreen.Screening.Storage;

/// <summary>What one purge did.</summary>
public sealed record RetentionReport(int SourcesPurged, int OrphansPurged, int KeptForPendingWork);

/// <summary>
/// Deletes source images older than the retention period from the content store. Each purge is one audit row
/// (ids, never UIDs or file names) written in the same transaction that marks the image purged; results, scores and
/// heatmaps stay. Content a pending job item still needs is kept until the item is done.
/// </summary>
public sealed class RetentionPurger(IDbContextFactory<ScreeningDbContext> contexts, ContentStore content, ILogger? logger = null)
{
    public const string AuditActor = "system:retention";
    public const string SourcePurged = "source-purged";
    public const string OrphanPurged = "content-purged";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public async Task<RetentionReport> PurgeAsync(int days, DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var cutoff = nowUtc.AddDays(-days);
        int purged = 0, orphans = 0, kept = 0;
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var due = await ctx.Images.Where(i => i.SourcePurgedAt == null && i.ContentSha256 != null && i.CreatedAt < cutoff)
            .OrderBy(i => i.Id).Select(i => new { i.Id, i.ContentSha256 }).ToListAsync(cancellationToken);
        foreach (var image in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string sha = image.ContentSha256!.ToLowerInvariant();
            if (await NeededByPendingWork(ctx, sha, cancellationToken))
            {
                kept++;
                continue;
            }

            bool deleted = ContentStore.IsSha256(sha) && content.Delete(sha);
            await using var transaction = await ctx.Database.BeginTransactionAsync(cancellationToken);
            await ctx.Images.Where(i => i.ContentSha256 == image.ContentSha256 && i.SourcePurgedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.SourcePurgedAt, nowUtc), cancellationToken);
            ctx.AuditEvents.Add(new AuditEvent
            {
                At = nowUtc, Actor = AuditActor, Action = SourcePurged, Target = $"image:{image.Id}",
                Detail = deleted ? $"source image older than {days} days deleted" : $"source image older than {days} days was already absent",
            });
            await ctx.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            ctx.ChangeTracker.Clear();
            purged++;
        }

        // Files no image row names (stored but never screened): by their write time.
        var known = (await ctx.Images.Where(i => i.ContentSha256 != null).Select(i => i.ContentSha256!).ToListAsync(cancellationToken))
            .Select(s => s.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var outbox = (await ctx.DicomDeliveries.Select(d => d.ContentSha256).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var (sha, written) in content.Enumerate().ToList())
        {
            if (written >= cutoff || known.Contains(sha) || outbox.Contains(sha) || await NeededByPendingWork(ctx, sha, cancellationToken))
            {
                continue;
            }

            content.Delete(sha);
            ctx.AuditEvents.Add(OrphanRow(sha, nowUtc, $"stored file older than {days} days, never screened"));
            await ctx.SaveChangesAsync(cancellationToken);
            orphans++;
        }

        if (purged + orphans > 0)
        {
            _logger.LogInformation("Retention: deleted {Sources} source images and {Orphans} unscreened files older than {Days} days; {Kept} kept for pending work",
                purged, orphans, days, kept);
        }

        return new RetentionReport(purged, orphans, kept);
    }

    /// <summary>
    /// Deletes the staged files of a finished or cancelled upload job at once, instead of at the retention horizon:
    /// each one no pending item of a live job still needs and, with <paramref name="keepScreened"/>, that no image row
    /// names (a screened file stays for the viewer until retention). One audit row per file, with the reason.
    /// </summary>
    public async Task<int> DiscardAsync(IEnumerable<string> sha256s, bool keepScreened, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sha256s);
        int deleted = 0;
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (string sha in sha256s.Where(ContentStore.IsSha256).Distinct(StringComparer.Ordinal))
        {
            if (await NeededByPendingWork(ctx, sha, cancellationToken)
                || keepScreened && await ctx.Images.AnyAsync(i => i.ContentSha256 == sha, cancellationToken)
                || !content.Delete(sha))
            {
                continue;
            }

            ctx.AuditEvents.Add(OrphanRow(sha, DateTime.UtcNow, reason));
            await ctx.SaveChangesAsync(cancellationToken);
            deleted++;
        }

        return deleted;
    }

    /// <summary>The audit row of a deleted file no image row names: a 12-digit hash prefix, never a file name.</summary>
    private static AuditEvent OrphanRow(string sha, DateTime at, string detail) =>
        new() { At = at, Actor = AuditActor, Action = OrphanPurged, Target = $"content:{sha[..12]}", Detail = detail };

    /// <summary>A pending item of a job that can still run; a cancelled job's pending items need nothing any more.</summary>
    private static Task<bool> NeededByPendingWork(ScreeningDbContext ctx, string sha, CancellationToken cancellationToken) =>
        ctx.JobItems.AnyAsync(i => i.Status == BatchJobItem.Pending && i.Job!.State != BatchJobStates.Cancelled && i.Path.EndsWith(sha), cancellationToken);
}
