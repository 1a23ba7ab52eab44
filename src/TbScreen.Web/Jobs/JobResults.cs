using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api.Contracts;

namespace TbScreen.Web.Jobs;

/// <summary>Job listings and per-file results, read directly from the job tables (read-only).</summary>
public sealed class JobResults(IDbContextFactory<ScreeningDbContext> contexts)
{
    /// <summary>The web host's jobs, newest first (CLI jobs share the database but are not listed).</summary>
    public async Task<IReadOnlyList<long>> RecentJobIdsAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking()
            .Where(j => j.Key != null && j.Key.StartsWith(FolderJobRequest.KeyPrefix))
            .OrderByDescending(j => j.Id)
            .Take(Math.Clamp(count, 1, 500))
            .Select(j => j.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>status: ok, failed (any error) or one error code; decision: tb or not-tb; flag: flagged or none.</summary>
    public async Task<IReadOnlyList<JobResultRow>> RowsAsync(long jobId, string? status = null, string? decision = null, string? flag = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.JobItems.AsNoTracking().Where(i => i.JobId == jobId);
        query = status?.Trim().ToLowerInvariant() switch
        {
            null or "" or "any" => query,
            "failed" => query.Where(i => i.Status != "ok" && i.Status != "pending"),
            var s => query.Where(i => i.Status == s),
        };
        if (!string.IsNullOrWhiteSpace(decision))
        {
            string d = decision.Trim().ToLowerInvariant();
            query = query.Where(i => i.Result != null && i.Result.Decision == d);
        }

        query = flag?.Trim().ToLowerInvariant() switch
        {
            null or "" or "any" => query,
            "flagged" => query.Where(i => i.Result != null && i.Result.Flag != null && i.Result.Flag != "none"),
            "none" => query.Where(i => i.Result != null && i.Result.Flag == "none"),
            var f => query.Where(i => i.Result != null && i.Result.Flag != null && i.Result.Flag.Contains(f)),
        };

        var rows = await query.OrderBy(i => i.Id)
            .Select(i => new
            {
                i.Id, i.Path, i.Status, i.Error, i.ResultId, i.ContentSha256,
                Decision = i.Result != null ? i.Result.Decision : null,
                Ensemble = i.Result != null ? i.Result.EnsembleProbability : null,
                Flag = i.Result != null ? i.Result.Flag : null,
                FlagReason = i.Result != null ? i.Result.FlagReason : null,
            })
            .ToListAsync(cancellationToken);
        // The item's place in the whole job (not in the filtered list), so a filtered export keeps stable numbers.
        var ids = await db.JobItems.AsNoTracking().Where(i => i.JobId == jobId).OrderBy(i => i.Id).Select(i => i.Id).ToListAsync(cancellationToken);
        var index = ids.Select((id, n) => (id, n)).ToDictionary(p => p.id, p => p.n + 1);
        // An uploaded file is shown by its place in the upload (its name was never kept); a folder's by its file name.
        return rows.Select(r => new JobResultRow(r.Id, StoredItems.TryGetSha256(r.Path, out _) ? $"upload item {index[r.Id]}" : Path.GetFileName(r.Path), r.Status, Deidentified(r.Error, r.Path, index[r.Id]), r.ResultId, r.Decision, r.Ensemble,
            r.Flag, r.FlagReason, index[r.Id], r.ContentSha256)).ToList();
    }

    /// <summary>The first line of every CSV export: what was removed, under which profile.</summary>
    public const string ExportNotice =
        "# " + TbScreen.Audit.ExportNotices.Profile + ": " +
        "no file names, paths, patient names, IDs, dates or UIDs; items are named by their place in the job and their SHA-256. Research use only, not a medical device.";

    /// <summary>An error message with the item's path and file name replaced by "item N" (messages name the file they are about).</summary>
    public static string? Deidentified(string? error, string path, int index)
    {
        if (string.IsNullOrEmpty(error))
        {
            return error;
        }

        string name = Path.GetFileName(path);
        string text = error.Replace(path, $"item {index}", StringComparison.Ordinal);
        return name.Length > 0 ? text.Replace(name, $"item {index}", StringComparison.Ordinal) : text;
    }

    /// <summary>
    /// RFC 4180 CSV after the <see cref="ExportNotice"/> line, invariant culture; cells that a spreadsheet would run as a
    /// formula are prefixed with '. No file names: an item is its index in the job and its file's SHA-256.
    /// </summary>
    public static string ToCsv(IEnumerable<JobResultRow> rows)
    {
        var csv = new StringBuilder(ExportNotice).Append("\r\n").Append("item,sha256,status,error,result_id,decision,ensemble_probability,flag,flag_reason\r\n");
        foreach (var r in rows)
        {
            csv.AppendJoin(',', r.Index.ToString(CultureInfo.InvariantCulture), Cell(r.ContentSha256), Cell(r.Status), Cell(r.Error), r.ResultId?.ToString(CultureInfo.InvariantCulture) ?? "",
                Cell(r.Decision), r.Ensemble?.ToString("0.######", CultureInfo.InvariantCulture) ?? "", Cell(r.Flag), Cell(r.FlagReason));
            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value; // CSV injection: file names are user-controlled
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
