using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence.Entities;

namespace TbScreen.Screening.Persistence;

/// <summary>An outbox row as callers see it.</summary>
public sealed record DicomDeliveryInfo(long Id, long ResultId, string Kind, string Destination, string SopInstanceUid, string ContentSha256,
    string Status, int Attempts, string? LastError, DateTime CreatedAt, DateTime NextAttemptAt, DateTime? SentAt, string StudyInstanceUid = "", string SeriesInstanceUid = "")
{
    /// <summary>Sent (and perhaps committed since).</summary>
    public bool IsSent => Status is DicomDelivery.Sent or DicomDelivery.Committed;

    /// <summary>The destination committed to keeping it (Storage Commitment).</summary>
    public bool IsCommitted => Status == DicomDelivery.Committed;

    /// <summary>When a Storage Commitment request last named it; null when never asked.</summary>
    public DateTime? CommitmentRequestedAt { get; init; }

    public DateTime? CommittedAt { get; init; }

    public bool IsKept => Status == DicomDelivery.Kept;
}

/// <summary>A DICOM object to deliver: which result, what kind, where, and its bytes' key in the content store.</summary>
public sealed record NewDicomDelivery(long ResultId, string Kind, string Destination, string SopInstanceUid, string ContentSha256)
{
    /// <summary>False: built to be retrieved here only (status kept, never sent).</summary>
    public bool Send { get; init; } = true;

    public string StudyInstanceUid { get; init; } = "";

    public string SeriesInstanceUid { get; init; } = "";
}

/// <summary>
/// The persistent outbox of objects for PACS. Rows are written in one transaction per result, before any send,
/// and change only by a send's outcome, so a restart resumes exactly where delivery stood.
/// </summary>
public sealed class DicomOutboxStore(IDbContextFactory<ScreeningDbContext> contexts)
{
    public async Task AddAsync(IReadOnlyList<NewDicomDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        ctx.DicomDeliveries.AddRange(deliveries.Select(d => new DicomDelivery
        {
            ResultId = d.ResultId,
            Kind = d.Kind,
            Destination = d.Destination,
            SopInstanceUid = d.SopInstanceUid,
            ContentSha256 = d.ContentSha256,
            StudyInstanceUid = d.StudyInstanceUid,
            SeriesInstanceUid = d.SeriesInstanceUid,
            Status = d.Send ? DicomDelivery.Pending : DicomDelivery.Kept,
            CreatedAt = now,
            NextAttemptAt = now,
        }));
        await ctx.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Pending rows whose next attempt is due, oldest first.</summary>
    public async Task<IReadOnlyList<DicomDeliveryInfo>> DueAsync(DateTime now, int max, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var due = DateTime.SpecifyKind(now, DateTimeKind.Utc);
        var rows = await ctx.DicomDeliveries.AsNoTracking()
            .Where(d => d.Status == DicomDelivery.Pending && d.NextAttemptAt <= due)
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id)
            .Take(max)
            .ToListAsync(cancellationToken);
        return rows.Select(ToInfo).ToList();
    }

    public async Task MarkSentAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        await ctx.DicomDeliveries.Where(d => d.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DicomDelivery.Sent)
            .SetProperty(d => d.Attempts, d => d.Attempts + 1)
            .SetProperty(d => d.LastError, (string?)null)
            .SetProperty(d => d.SentAt, now), cancellationToken);
    }

    public async Task MarkFailedAsync(long id, string error, DateTime nextAttempt, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var next = DateTime.SpecifyKind(nextAttempt, DateTimeKind.Utc);
        await ctx.DicomDeliveries.Where(d => d.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Attempts, d => d.Attempts + 1)
            .SetProperty(d => d.LastError, error)
            .SetProperty(d => d.NextAttemptAt, next), cancellationToken);
    }

    /// <summary>
    /// Sent rows the destination has not committed to: never asked about, or asked before <paramref name="askedBefore"/>
    /// without an answer. Oldest first.
    /// </summary>
    public async Task<IReadOnlyList<DicomDeliveryInfo>> AwaitingCommitmentAsync(DateTime askedBefore, int max, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var before = DateTime.SpecifyKind(askedBefore, DateTimeKind.Utc);
        var rows = await ctx.DicomDeliveries.AsNoTracking()
            .Where(d => d.Status == DicomDelivery.Sent && (d.CommitmentRequestedAt == null || d.CommitmentRequestedAt <= before))
            .OrderBy(d => d.Id)
            .Take(max)
            .ToListAsync(cancellationToken);
        return rows.Select(ToInfo).ToList();
    }

    /// <summary>Records that a Storage Commitment request under <paramref name="transactionUid"/> named these rows.</summary>
    public async Task MarkCommitmentRequestedAsync(IReadOnlyCollection<long> ids, string transactionUid, DateTime at, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var when = DateTime.SpecifyKind(at, DateTimeKind.Utc);
        await ctx.DicomDeliveries.Where(d => ids.Contains(d.Id) && d.Status == DicomDelivery.Sent).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.CommitmentTransactionUid, transactionUid)
            .SetProperty(d => d.CommitmentRequestedAt, when), cancellationToken);
    }

    /// <summary>A request that did not reach the archive: its rows are awaiting commitment again, as if never asked.</summary>
    public async Task ForgetCommitmentRequestAsync(string transactionUid, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        await ctx.DicomDeliveries.Where(d => d.CommitmentTransactionUid == transactionUid && d.Status == DicomDelivery.Sent).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.CommitmentTransactionUid, (string?)null)
            .SetProperty(d => d.CommitmentRequestedAt, (DateTime?)null), cancellationToken);
    }

    /// <summary>
    /// Applies a Storage Commitment report to the rows its transaction named: committed ones become committed; each one
    /// the destination did not commit to goes back to pending with <paramref name="failures"/>' reason, due at the
    /// time <paramref name="nextAttempt"/> gives for its attempts so far, so it is sent again. Rows of other
    /// transactions are untouched (a late report of a superseded request changes nothing). Returns how many rows of
    /// each kind changed.
    /// </summary>
    public async Task<(int Committed, int Failed)> ApplyCommitmentReportAsync(string transactionUid, IReadOnlyCollection<string> committed,
        IReadOnlyDictionary<string, string> failures, DateTime now, Func<int, DateTime> nextAttempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(committed);
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentNullException.ThrowIfNull(nextAttempt);
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var at = DateTime.SpecifyKind(now, DateTimeKind.Utc);
        var rows = await ctx.DicomDeliveries.Where(d => d.Status == DicomDelivery.Sent && d.CommitmentTransactionUid == transactionUid).ToListAsync(cancellationToken);
        int done = 0, failed = 0;
        foreach (var row in rows)
        {
            if (committed.Contains(row.SopInstanceUid))
            {
                row.Status = DicomDelivery.Committed;
                row.CommittedAt = at;
                done++;
            }
            else if (failures.TryGetValue(row.SopInstanceUid, out string? reason))
            {
                row.Status = DicomDelivery.Pending;
                row.LastError = reason;
                row.NextAttemptAt = DateTime.SpecifyKind(nextAttempt(row.Attempts), DateTimeKind.Utc);
                row.CommitmentTransactionUid = null;
                row.CommitmentRequestedAt = null;
                failed++;
            }
        }

        await ctx.SaveChangesAsync(cancellationToken);
        return (done, failed);
    }

    /// <summary>An administrator's "retry now": a pending row becomes due at once. False when there is no such pending row.</summary>
    public async Task<bool> RetryNowAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        return await ctx.DicomDeliveries.Where(d => d.Id == id && d.Status == DicomDelivery.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, now), cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<DicomDeliveryInfo>> ForResultAsync(long resultId, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await ctx.DicomDeliveries.AsNoTracking().Where(d => d.ResultId == resultId).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        return rows.Select(ToInfo).ToList();
    }

    public async Task<IReadOnlyList<DicomDeliveryInfo>> RecentAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await ctx.DicomDeliveries.AsNoTracking().OrderByDescending(d => d.Id).Take(count).ToListAsync(cancellationToken);
        return rows.Select(ToInfo).ToList();
    }

    /// <summary>
    /// The result objects this host built (sent, waiting or kept), newest first, optionally of one study, series or
    /// instance: what DICOMweb serves.
    /// </summary>
    public async Task<IReadOnlyList<DicomDeliveryInfo>> ObjectsAsync(int max, string? study = null, string? series = null, string? instance = null, CancellationToken cancellationToken = default)
    {
        await using var ctx = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = ctx.DicomDeliveries.AsNoTracking();
        if (study is not null)
        {
            rows = rows.Where(d => d.StudyInstanceUid == study);
        }

        if (series is not null)
        {
            rows = rows.Where(d => d.SeriesInstanceUid == series);
        }

        if (instance is not null)
        {
            rows = rows.Where(d => d.SopInstanceUid == instance);
        }

        return (await rows.OrderByDescending(d => d.Id).Take(max).ToListAsync(cancellationToken)).Select(ToInfo).ToList();
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static DicomDeliveryInfo ToInfo(DicomDelivery d) => new(d.Id, d.ResultId, d.Kind, d.Destination, d.SopInstanceUid, d.ContentSha256,
        d.Status, d.Attempts, d.LastError, Utc(d.CreatedAt), Utc(d.NextAttemptAt), d.SentAt is { } sent ? Utc(sent) : null, d.StudyInstanceUid, d.SeriesInstanceUid)
    {
        CommitmentRequestedAt = d.CommitmentRequestedAt is { } asked ? Utc(asked) : null,
        CommittedAt = d.CommittedAt is { } committed ? Utc(committed) : null,
    };
}
