using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence.Entities;

namespace TbScreen.Screening.Persistence;

/// <summary>
/// <see cref="IScreeningStore"/> over EF Core, identical on SQLite and PostgreSQL. Each call opens its own context.
/// Dedupe relies on unique indexes, not on read-then-write checks: a racing insert fails on the index and the loser
/// returns the winner's row, so "check, then insert" can never produce two rows.
/// </summary>
public sealed class EfScreeningStore(IDbContextFactory<ScreeningDbContext> contexts) : IScreeningStore
{
    private const int AddChunk = 500;

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        await ctx.Database.MigrateAsync(cancellationToken);
    }

    public async Task<StoredOutcome?> FindCurrentResultAsync(string? contentSha256, string modelVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelVersion);
        if (ImageKeys.For(contentSha256) is not { } key)
        {
            return null;
        }

        await using var ctx = contexts.CreateDbContext();
        var row = await FindByKey(ctx, key, modelVersion, cancellationToken);
        return row is null ? null : OutcomeMapper.ToStored(row, row.Image, created: false);
    }

    public async Task<StoredOutcome> SaveOutcomeAsync(ScreeningOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await using var ctx = contexts.CreateDbContext();
        return await SaveOutcomeCore(ctx, outcome, cancellationToken);
    }

    public async Task<StoredOutcome> SaveOutcomeAsync(ScreeningOutcome outcome, Func<StoredOutcome, AuditEntry> audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(audit);
        await using var ctx = contexts.CreateDbContext();
        await using var tx = await ctx.Database.BeginTransactionAsync(cancellationToken);
        var stored = await SaveOutcomeCore(ctx, outcome, cancellationToken);
        Audit(ctx, audit(stored));
        await ctx.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task<StoredOutcome?> GetResultAsync(long resultId, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var row = await WithImage(ctx).FirstOrDefaultAsync(r => r.Id == resultId, cancellationToken);
        return row is null ? null : OutcomeMapper.ToStored(row, row.Image, created: false);
    }

    public async Task<IReadOnlyList<StoredOutcome>> SamePatientResultsAsync(long resultId, int count, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var image = await ctx.Results.Where(r => r.Id == resultId).Select(r => r.Image).FirstOrDefaultAsync(cancellationToken);
        if (image?.PatientPseudonym is not { } pseudonym)
        {
            return [];
        }

        var latest = ctx.Results
            .Where(r => r.Image!.PatientPseudonym == pseudonym && r.ImageId != image.Id)
            .GroupBy(r => r.ImageId)
            .Select(g => g.Max(r => r.Id));
        var rows = await WithImage(ctx).Where(r => latest.Contains(r.Id)).OrderByDescending(r => r.Id).Take(count).ToListAsync(cancellationToken);
        return rows.Select(r => OutcomeMapper.ToStored(r, r.Image, created: false)).ToArray();
    }

    public async Task<IReadOnlyList<StoredOutcome>> RecentResultsAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var rows = await WithImage(ctx).OrderByDescending(r => r.Id).Take(count).ToListAsync(cancellationToken);
        return rows.Select(r => OutcomeMapper.ToStored(r, r.Image, created: false)).ToArray();
    }

    public Task<BatchJobInfo> CreateJobAsync(IReadOnlyList<string> inputs, string? optionsJson = null, string? key = null, CancellationToken cancellationToken = default) =>
        CreateJobCore(inputs, optionsJson, key, audit: null, cancellationToken);

    public Task<BatchJobInfo> CreateJobAsync(IReadOnlyList<string> inputs, string? optionsJson, string? key, Func<long, AuditEntry> audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return CreateJobCore(inputs, optionsJson, key, audit, cancellationToken);
    }

    private async Task<BatchJobInfo> CreateJobCore(IReadOnlyList<string> inputs, string? optionsJson, string? key, Func<long, AuditEntry>? audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        await using var ctx = contexts.CreateDbContext();
        await using var tx = await ctx.Database.BeginTransactionAsync(cancellationToken);
        var now = DateTime.UtcNow;
        var job = new BatchJob
        {
            Key = key,
            CreatedAt = now,
            UpdatedAt = now,
            InputsJson = JsonSerializer.Serialize(inputs),
            OptionsJson = optionsJson,
            State = BatchJobStates.Created,
        };
        ctx.Jobs.Add(job);
        await ctx.SaveChangesAsync(cancellationToken);
        if (audit is not null)
        {
            Audit(ctx, audit(job.Id));
            await ctx.SaveChangesAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return ToInfo(job);
    }

    public async Task<BatchJobInfo?> GetJobAsync(long jobId, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var job = await ctx.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        return job is null ? null : ToInfo(job);
    }

    public async Task<BatchJobInfo?> FindJobByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var ctx = contexts.CreateDbContext();
        var job = await ctx.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Key == key, cancellationToken);
        return job is null ? null : ToInfo(job);
    }

    public Task SetJobStateAsync(long jobId, string state, CancellationToken cancellationToken = default) =>
        SetJobStateCore(jobId, state, audit: null, cancellationToken);

    public Task SetJobStateAsync(long jobId, string state, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return SetJobStateCore(jobId, state, audit, cancellationToken);
    }

    private async Task SetJobStateCore(long jobId, string state, AuditEntry? audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var ctx = contexts.CreateDbContext();
        await using var tx = await ctx.Database.BeginTransactionAsync(cancellationToken);
        var now = DateTime.UtcNow;
        int updated = await ctx.Jobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, state).SetProperty(j => j.UpdatedAt, now), cancellationToken);
        if (updated == 0)
        {
            throw new KeyNotFoundException($"batch job {jobId} does not exist");
        }

        if (audit is not null)
        {
            Audit(ctx, audit);
            await ctx.SaveChangesAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task<int> AddItemsAsync(long jobId, IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        int added = 0;
        foreach (var chunk in paths.Distinct(StringComparer.Ordinal).Chunk(AddChunk))
        {
            added += await AddChunkAsync(jobId, chunk, cancellationToken);
        }

        return added;
    }

    public async Task<IReadOnlyList<BatchJobItemInfo>> PendingItemsAsync(long jobId, int max = int.MaxValue, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var items = await ctx.JobItems.AsNoTracking()
            .Where(i => i.JobId == jobId && i.Status == BatchJobItem.Pending)
            .OrderBy(i => i.Id)
            .Take(max)
            .ToListAsync(cancellationToken);
        return items.Select(ToInfo).ToArray();
    }

    public async Task<IReadOnlyList<BatchJobItemInfo>> ItemsAsync(long jobId, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var items = await ctx.JobItems.AsNoTracking().Where(i => i.JobId == jobId).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        return items.Select(ToInfo).ToArray();
    }

    public async Task<int> BeginItemAsync(long jobId, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        await using var ctx = contexts.CreateDbContext();
        var now = DateTime.UtcNow;
        await ctx.JobItems.Where(i => i.JobId == jobId && i.Path == path)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Attempts, i => i.Attempts + 1).SetProperty(i => i.UpdatedAt, now), cancellationToken);
        return await ctx.JobItems.Where(i => i.JobId == jobId && i.Path == path).Select(i => i.Attempts).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<BatchJobItemInfo?> FindItemAsync(long jobId, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        await using var ctx = contexts.CreateDbContext();
        var item = await ctx.JobItems.AsNoTracking().FirstOrDefaultAsync(i => i.JobId == jobId && i.Path == path, cancellationToken);
        return item is null ? null : ToInfo(item);
    }

    public async Task<int> CountFinishedItemsSinceAsync(DateTime since, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var from = DateTime.SpecifyKind(since, DateTimeKind.Utc);
        return await ctx.JobItems.CountAsync(i => i.Status != BatchJobItem.Pending && i.UpdatedAt >= from, cancellationToken);
    }

    public async Task<StoredOutcome> CompleteItemAsync(long jobId, string path, ScreeningOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(outcome);
        await using var ctx = contexts.CreateDbContext();
        await using var tx = await ctx.Database.BeginTransactionAsync(cancellationToken);
        var item = await ctx.JobItems.AsNoTracking().FirstOrDefaultAsync(i => i.JobId == jobId && i.Path == path, cancellationToken);
        if (item is null)
        {
            // Completing a path that was never added adds it: the caller's work is not thrown away.
            await AddChunkCore(ctx, jobId, [path], cancellationToken);
            item = await ctx.JobItems.AsNoTracking().FirstAsync(i => i.JobId == jobId && i.Path == path, cancellationToken);
        }

        if (item.Status != BatchJobItem.Pending && item.ResultId is long done)
        {
            await tx.CommitAsync(cancellationToken);
            return (await GetResultCore(ctx, done, cancellationToken))!;
        }

        var stored = await SaveOutcomeCore(ctx, outcome, cancellationToken);
        var now = DateTime.UtcNow;
        string status = outcome.Status.ToCode();
        // Conditional on still pending: if another worker finished this item first, nothing is counted twice.
        int marked = await ctx.JobItems.Where(i => i.Id == item.Id && i.Status == BatchJobItem.Pending)
            .ExecuteUpdateAsync(
                s => s.SetProperty(i => i.Status, status)
                    .SetProperty(i => i.Error, outcome.Error)
                    .SetProperty(i => i.ContentSha256, outcome.ContentSha256)
                    .SetProperty(i => i.ResultId, stored.ResultId)
                    .SetProperty(i => i.UpdatedAt, now),
                cancellationToken);
        if (marked == 0)
        {
            await tx.RollbackAsync(cancellationToken);
            var winner = await ctx.JobItems.AsNoTracking().FirstAsync(i => i.Id == item.Id, cancellationToken);
            return (await GetResultCore(ctx, winner.ResultId!.Value, cancellationToken))!;
        }

        int succeeded = outcome.Status == ScreeningStatus.Ok ? 1 : 0;
        int failed = 1 - succeeded;
        await ctx.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(
            s => s.SetProperty(j => j.Succeeded, j => j.Succeeded + succeeded)
                .SetProperty(j => j.Failed, j => j.Failed + failed)
                .SetProperty(j => j.UpdatedAt, now),
            cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return stored;
    }

    public Task<ReviewInfo> AddReviewAsync(long resultId, string reviewer, string read, string? finalLabel, string? note, CancellationToken cancellationToken = default) =>
        AddReviewCore(resultId, reviewer, read, finalLabel, note, audit: null, cancellationToken);

    public Task<ReviewInfo> AddReviewAsync(long resultId, string reviewer, string read, string? finalLabel, string? note, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return AddReviewCore(resultId, reviewer, read, finalLabel, note, audit, cancellationToken);
    }

    private async Task<ReviewInfo> AddReviewCore(long resultId, string reviewer, string read, string? finalLabel, string? note, AuditEntry? audit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        ArgumentException.ThrowIfNullOrWhiteSpace(read);
        await using var ctx = contexts.CreateDbContext();
        if (!await ctx.Results.AnyAsync(r => r.Id == resultId, cancellationToken))
        {
            throw new KeyNotFoundException($"screening result {resultId} does not exist");
        }

        var review = new Review { ResultId = resultId, Reviewer = reviewer, Read = read, FinalLabel = finalLabel, Note = note, ReviewedAt = DateTime.UtcNow };
        ctx.Reviews.Add(review);
        if (audit is not null)
        {
            Audit(ctx, audit); // one SaveChanges: the review and its audit row commit together or not at all
        }

        await ctx.SaveChangesAsync(cancellationToken);
        return ToInfo(review);
    }

    public async Task<IReadOnlyList<ReviewInfo>> ReviewsAsync(long resultId, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var reviews = await ctx.Reviews.AsNoTracking().Where(r => r.ResultId == resultId).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        return reviews.Select(ToInfo).ToArray();
    }

    public async Task RecordAsync(string actor, string action, string? target = null, string? detail = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        await using var ctx = contexts.CreateDbContext();
        Audit(ctx, new AuditEntry(actor, action, target, detail));
        await ctx.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Adds the row to the caller's unit of work; SaveChanges seals it into the chain (AuditChain).</summary>
    private static void Audit(ScreeningDbContext ctx, AuditEntry entry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Action);
        ctx.AuditEvents.Add(new AuditEvent { At = DateTime.UtcNow, Actor = entry.Actor, Action = entry.Action, Target = entry.Target, Detail = entry.Detail });
    }

    public async Task<IReadOnlyList<AuditEventInfo>> AuditTrailAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var ctx = contexts.CreateDbContext();
        var events = await ctx.AuditEvents.AsNoTracking().OrderByDescending(a => a.Id).Take(count).ToListAsync(cancellationToken);
        return events.Select(a => new AuditEventInfo(a.Id, Utc(a.At), a.Actor, a.Action, a.Target, a.Detail)).ToArray();
    }

    private async Task<int> AddChunkAsync(long jobId, string[] paths, CancellationToken cancellationToken)
    {
        await using var ctx = contexts.CreateDbContext();
        await using var tx = await ctx.Database.BeginTransactionAsync(cancellationToken);
        int added = await AddChunkCore(ctx, jobId, paths, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return added;
    }

    /// <summary>Inserts the paths not yet in the job and grows its total, inside the caller's transaction.</summary>
    private static async Task<int> AddChunkCore(ScreeningDbContext ctx, long jobId, string[] paths, CancellationToken cancellationToken)
    {
        if (!await ctx.Jobs.AnyAsync(j => j.Id == jobId, cancellationToken))
        {
            throw new KeyNotFoundException($"batch job {jobId} does not exist");
        }

        var existing = await ctx.JobItems.Where(i => i.JobId == jobId && paths.Contains(i.Path)).Select(i => i.Path).ToListAsync(cancellationToken);
        var known = existing.ToHashSet(StringComparer.Ordinal);
        var now = DateTime.UtcNow;
        var fresh = paths.Where(p => !known.Contains(p))
            .Select(p => new BatchJobItem { JobId = jobId, Path = p, Status = BatchJobItem.Pending, UpdatedAt = now })
            .ToList();
        if (fresh.Count == 0)
        {
            return 0;
        }

        ctx.JobItems.AddRange(fresh);
        await ctx.SaveChangesAsync(cancellationToken);
        ctx.ChangeTracker.Clear();
        await ctx.Jobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Total, j => j.Total + fresh.Count).SetProperty(j => j.UpdatedAt, now), cancellationToken);
        return fresh.Count;
    }

    private static async Task<StoredOutcome> SaveOutcomeCore(ScreeningDbContext ctx, ScreeningOutcome outcome, CancellationToken cancellationToken)
    {
        string? dedupeKey = ImageKeys.DedupeKey(outcome);
        if (dedupeKey is not null && await FindByKey(ctx, dedupeKey, outcome.ModelVersion, cancellationToken) is { } existing)
        {
            return OutcomeMapper.ToStored(existing, existing.Image, created: false);
        }

        var now = DateTime.UtcNow;
        Study? study = null;
        if (outcome.Metadata?.StudyInstanceUid is { Length: > 0 } studyUid)
        {
            study = await GetOrCreate(
                ctx,
                ctx.Studies.Where(s => s.StudyInstanceUid == studyUid),
                () => new Study { StudyInstanceUid = studyUid, InstitutionName = outcome.Metadata.InstitutionName, CreatedAt = now },
                cancellationToken);
        }

        Image? image = null;
        if (ImageKeys.For(outcome.ContentSha256) is { } imageKey)
        {
            image = await GetOrCreate(
                ctx,
                ctx.Images.Where(i => i.ImageKey == imageKey),
                () => OutcomeMapper.ToImage(imageKey, outcome, study?.Id, now),
                cancellationToken);
        }

        long? conflictingImage = await ConflictingImageAsync(ctx, outcome, image?.Id, cancellationToken);
        if (conflictingImage is long other)
        {
            outcome = UidConflicts.Mark(outcome);
            // Same SaveChanges as the result: a conflict is never stored without its audit record. Ids only, no UID.
            ctx.AuditEvents.Add(new AuditEvent
            {
                At = now, Actor = "system", Action = UidConflicts.AuditAction, Target = $"image:{other}",
                Detail = $"image {image?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} (sha256 {outcome.ContentSha256?[..Math.Min(12, outcome.ContentSha256.Length)]}) claims the same SOP Instance UID with other pixels; screened on its own",
            });
        }

        var row = OutcomeMapper.ToRow(outcome, image?.Id, dedupeKey, now);
        ctx.Results.Add(row);
        try
        {
            await ctx.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (dedupeKey is not null && UniqueViolation.Is(e))
        {
            ctx.Entry(row).State = EntityState.Detached;
            var winner = await FindByKey(ctx, dedupeKey, outcome.ModelVersion, cancellationToken)
                ?? throw new InvalidOperationException("unique violation on a screening result that cannot be found", e);
            return OutcomeMapper.ToStored(winner, winner.Image, created: false);
        }

        ctx.ChangeTracker.Clear();
        // Freshly computed: FromStore stays false, so callers can tell new work from reuse.
        var created = (await GetResultCore(ctx, row.Id, cancellationToken))!;
        return created with { Created = true, Outcome = created.Outcome with { FromStore = false } };
    }

    /// <summary>Reads the row, or inserts it; when a racing writer inserted it first (unique index), reads theirs.</summary>
    private static async Task<T> GetOrCreate<T>(ScreeningDbContext ctx, IQueryable<T> query, Func<T> create, CancellationToken cancellationToken)
        where T : class
    {
        if (await query.AsNoTracking().FirstOrDefaultAsync(cancellationToken) is { } found)
        {
            return found;
        }

        var entity = create();
        ctx.Add(entity);
        try
        {
            await ctx.SaveChangesAsync(cancellationToken);
            ctx.Entry(entity).State = EntityState.Detached;
            return entity;
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            ctx.Entry(entity).State = EntityState.Detached;
            return await query.AsNoTracking().FirstAsync(cancellationToken);
        }
    }

    private static IQueryable<ScreeningResult> WithImage(ScreeningDbContext ctx) =>
        ctx.Results.AsNoTracking().Include(r => r.Image).ThenInclude(i => i!.Study);

    /// <summary>
    /// Another image row that holds the outcome's SOP Instance UID with other pixels (decoded-pixel hashes differ; file
    /// hashes when either has no pixel hash), or null. A lossless re-export hashes the same pixels and is no conflict.
    /// </summary>
    private static async Task<long?> ConflictingImageAsync(ScreeningDbContext ctx, ScreeningOutcome outcome, long? imageId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(outcome.SopInstanceUid))
        {
            return null;
        }

        string uid = outcome.SopInstanceUid.Trim();
        var others = await ctx.Images.AsNoTracking()
            .Where(i => i.SopInstanceUid == uid && i.Id != (imageId ?? 0))
            .Select(i => new { i.Id, i.PixelSha256, i.ContentSha256 })
            .ToListAsync(cancellationToken);
        return others.FirstOrDefault(o => o.PixelSha256 is not null && outcome.PixelSha256 is not null
            ? o.PixelSha256 != outcome.PixelSha256
            : o.ContentSha256 != outcome.ContentSha256)?.Id;
    }

    private static Task<ScreeningResult?> FindByKey(ScreeningDbContext ctx, string key, string modelVersion, CancellationToken cancellationToken) =>
        WithImage(ctx).FirstOrDefaultAsync(r => r.DedupeKey == key && r.ModelVersion == modelVersion, cancellationToken);

    private static async Task<StoredOutcome?> GetResultCore(ScreeningDbContext ctx, long id, CancellationToken cancellationToken)
    {
        var row = await WithImage(ctx).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return row is null ? null : OutcomeMapper.ToStored(row, row.Image, created: false);
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static BatchJobInfo ToInfo(BatchJob j) => new(
        j.Id, j.Key, Utc(j.CreatedAt), Utc(j.UpdatedAt), JsonSerializer.Deserialize<string[]>(j.InputsJson) ?? [], j.OptionsJson, j.State, j.Total, j.Succeeded, j.Failed);

    private static BatchJobItemInfo ToInfo(BatchJobItem i) =>
        new(i.Id, i.JobId, i.Path, i.Status, i.Error, i.ContentSha256, i.ResultId, i.Attempts, Utc(i.UpdatedAt));

    private static ReviewInfo ToInfo(Review r) => new(r.Id, r.ResultId, r.Read, r.FinalLabel, r.Note, r.Reviewer, Utc(r.ReviewedAt));
}
