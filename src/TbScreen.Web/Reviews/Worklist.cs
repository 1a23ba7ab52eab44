using Microsoft.EntityFrameworkCore;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Persistence.Entities;

namespace TbScreen.Web.Reviews;

/// <summary>
/// The radiologist's worklist (flagged or positive screenings) and the review statistics. Reads the screening
/// tables directly (read-only, no heatmap blobs): the store's interface serves single results, not filtered lists.
/// </summary>
public sealed class Worklist(IDbContextFactory<ScreeningDbContext> contexts)
{
    public async Task<WorklistPage> ListAsync(WorklistFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = OnWorklist(db.Results.AsNoTracking());
        query = Filter(query, filter);
        int total = await query.CountAsync(cancellationToken);
        var rows = await Sort(query, filter)
            .Skip(Math.Max(0, filter.Skip))
            .Take(Math.Clamp(filter.Take, 1, 1000))
            .Select(r => new
            {
                r.Id, r.Source, r.CreatedAt, r.EnsembleProbability, r.AlexNetProbability, r.GoogLeNetProbability,
                r.Decision, r.Flag, r.FlagReason, r.ModelVersion,
            })
            .ToListAsync(cancellationToken);

        var ids = rows.Select(r => r.Id).ToList();
        var reviews = await LatestReviewsAsync(db, ids, cancellationToken);
        var items = rows.Select(r => new WorklistItem(
            r.Id, Path.GetFileName(r.Source), DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc), r.EnsembleProbability, r.AlexNetProbability,
            r.GoogLeNetProbability, r.Decision ?? "", r.Flag ?? DecisionText.NoFlag, r.FlagReason, r.ModelVersion,
            reviews.GetValueOrDefault(r.Id))).ToList();
        return new WorklistPage(total, items);
    }

    public async Task<ReviewStatistics> StatisticsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ok = db.Results.AsNoTracking().Where(r => r.Status == "ok");
        int screened = await ok.CountAsync(cancellationToken);
        int flagged = await ok.CountAsync(r => r.Flag != DecisionText.NoFlag, cancellationToken);
        int resolved = await ok.CountAsync(r => r.Flag != DecisionText.NoFlag && r.Reviews.Any(), cancellationToken);
        int positive = await ok.CountAsync(r => r.Decision == DecisionText.Tb, cancellationToken);

        var reviewed = await ok.Where(r => r.Reviews.Any()).Select(r => new { r.Id, r.Decision, r.Flag }).ToListAsync(cancellationToken);
        var latest = await LatestReviewsAsync(db, reviewed.Select(r => r.Id).ToList(), cancellationToken);
        int n = 0, flaggedN = 0, modelRight = 0, augmentedRight = 0;
        foreach (var r in reviewed)
        {
            var review = latest[r.Id];
            string final = review.FinalLabel ?? review.Read;
            if (final is not (DecisionText.Tb or DecisionText.NotTb))
            {
                continue; // indeterminate: no ground truth to score against
            }

            bool isFlagged = r.Flag != DecisionText.NoFlag;
            string augmented = isFlagged ? final : r.Decision ?? "";
            n++;
            flaggedN += isFlagged ? 1 : 0;
            modelRight += r.Decision == final ? 1 : 0;
            augmentedRight += augmented == final ? 1 : 0;
        }

        return new ReviewStatistics(
            screened, flagged, resolved, positive, n, flaggedN,
            n == 0 ? null : modelRight / (double)n,
            n == 0 ? null : augmentedRight / (double)n);
    }

    /// <summary>Flagged or called TB, and actually screened.</summary>
    private static IQueryable<ScreeningResult> OnWorklist(IQueryable<ScreeningResult> results) =>
        results.Where(r => r.Status == "ok" && (r.Flag != DecisionText.NoFlag || r.Decision == DecisionText.Tb));

    private static IQueryable<ScreeningResult> Filter(IQueryable<ScreeningResult> query, WorklistFilter filter)
    {
        switch (filter.Flag?.Trim().ToLowerInvariant())
        {
            case null or "" or "any":
                break;
            case "flagged":
                query = query.Where(r => r.Flag != DecisionText.NoFlag);
                break;
            case var name:
                // "disagreement" also matches "disagreement+uncertain".
                query = name == DecisionText.NoFlag ? query.Where(r => r.Flag == DecisionText.NoFlag) : query.Where(r => r.Flag!.Contains(name));
                break;
        }

        if (!string.IsNullOrWhiteSpace(filter.Decision))
        {
            string decision = filter.Decision.Trim().ToLowerInvariant();
            query = query.Where(r => r.Decision == decision);
        }

        if (filter.Reviewed is bool reviewed)
        {
            query = reviewed ? query.Where(r => r.Reviews.Any()) : query.Where(r => !r.Reviews.Any());
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            string search = filter.Search.Trim();
            query = query.Where(r => r.Source.Contains(search));
        }

        return query;
    }

    private static IQueryable<ScreeningResult> Sort(IQueryable<ScreeningResult> query, WorklistFilter filter) =>
        (filter.Sort?.ToLowerInvariant(), filter.Descending) switch
        {
            (WorklistSorts.Score, true) => query.OrderByDescending(r => r.EnsembleProbability).ThenByDescending(r => r.Id),
            (WorklistSorts.Score, false) => query.OrderBy(r => r.EnsembleProbability).ThenBy(r => r.Id),
            (WorklistSorts.File, true) => query.OrderByDescending(r => r.Source).ThenByDescending(r => r.Id),
            (WorklistSorts.File, false) => query.OrderBy(r => r.Source).ThenBy(r => r.Id),
            (WorklistSorts.Flag, true) => query.OrderByDescending(r => r.Flag).ThenByDescending(r => r.Id),
            (WorklistSorts.Flag, false) => query.OrderBy(r => r.Flag).ThenBy(r => r.Id),
            (_, false) => query.OrderBy(r => r.Id),
            _ => query.OrderByDescending(r => r.Id), // ids grow with time: "screened" without comparing dates in SQL
        };

    private static async Task<Dictionary<long, LatestReview>> LatestReviewsAsync(ScreeningDbContext db, List<long> resultIds, CancellationToken cancellationToken)
    {
        var reviews = await db.Reviews.AsNoTracking()
            .Where(v => resultIds.Contains(v.ResultId))
            .Select(v => new { v.Id, v.ResultId, v.Read, v.FinalLabel, v.Note, v.Reviewer, v.ReviewedAt })
            .ToListAsync(cancellationToken);
        return reviews
            .GroupBy(v => v.ResultId)
            .ToDictionary(g => g.Key, g =>
            {
                var v = g.MaxBy(x => x.Id)!;
                return new LatestReview(v.Read, v.FinalLabel, v.Note, v.Reviewer, DateTime.SpecifyKind(v.ReviewedAt, DateTimeKind.Utc));
            });
    }
}
