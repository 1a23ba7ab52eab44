using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
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
                i.Id, i.Path, i.Status, i.Error, i.ResultId,
                Decision = i.Result != null ? i.Result.Decision : null,
                Ensemble = i.Result != null ? i.Result.EnsembleProbability : null,
                Flag = i.Result != null ? i.Result.Flag : null,
                FlagReason = i.Result != null ? i.Result.FlagReason : null,
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new JobResultRow(r.Id, Path.GetFileName(r.Path), r.Status, r.Error, r.ResultId, r.Decision, r.Ensemble, r.Flag, r.FlagReason)).ToList();
    }

    /// <summary>RFC 4180 CSV, invariant culture; cells that a spreadsheet would run as a formula are prefixed with '.</summary>
    public static string ToCsv(IEnumerable<JobResultRow> rows)
    {
        var csv = new StringBuilder("file,status,error,result_id,decision,ensemble_probability,flag,flag_reason\r\n");
        foreach (var r in rows)
        {
            csv.AppendJoin(',', Cell(r.File), Cell(r.Status), Cell(r.Error), r.ResultId?.ToString(CultureInfo.InvariantCulture) ?? "",
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
