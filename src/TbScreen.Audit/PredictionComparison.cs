using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Metrics;

namespace TbScreen.Audit;

/// <summary>One source's paired DeLong comparison of two score columns over the same images.</summary>
public sealed record SourceComparison(string Source, int N, int Positives, AucComparison Auc)
{
    /// <summary>95% CI of AUC_A - AUC_B from DeLong's paired variance.</summary>
    public (double Low, double High) DifferenceCi => (
        Auc.Difference - DeLong.Z95 * Math.Sqrt(Auc.Variance), Auc.Difference + DeLong.Z95 * Math.Sqrt(Auc.Variance));
}

/// <summary>What a comparison found: paired sources, and those left out with why.</summary>
public sealed record PredictionComparisonResult(int Matched, IReadOnlyList<SourceComparison> Sources, IReadOnlyList<string> Skipped);

/// <summary>
/// Compares two evaluations of the same images (two <c>predictions.csv</c> files of <c>tbscreen evaluate</c>) with
/// DeLong's paired test, within each source that holds both classes. A pooled comparison over sources whose classes
/// come from different hospitals would compare how well each model tells the hospitals apart, so none is made.
/// </summary>
public static class PredictionComparison
{
    public static PredictionComparisonResult Compare(string fileA, string fileB, string columnA = "ensemble", string? columnB = null, string? onlySource = null)
    {
        var a = Read(fileA, columnA);
        var b = Read(fileB, columnB ?? columnA);
        var matched = new List<(string Source, bool IsTb, double A, double B)>();
        foreach (var (file, row) in a)
        {
            if (!b.TryGetValue(file, out var other))
            {
                continue;
            }

            if (row.IsTb != other.IsTb)
            {
                throw new ManifestException(fileB, $"'{file}' is labelled {(other.IsTb ? 1 : 0)} here but {(row.IsTb ? 1 : 0)} in {fileA}: not the same data");
            }

            matched.Add((row.Source, row.IsTb, row.Score, other.Score));
        }

        if (matched.Count == 0)
        {
            throw new ManifestException(fileB, $"shares no file with {fileA}: compare evaluations of the same images");
        }

        var sources = new List<SourceComparison>();
        var skipped = new List<string>();
        foreach (var group in matched.GroupBy(m => m.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (onlySource is not null && !string.Equals(group.Key, onlySource, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rows = group.ToList();
            int positives = rows.Count(r => r.IsTb);
            if (positives == 0 || positives == rows.Count)
            {
                skipped.Add($"{group.Key}: {rows.Count} images of one class (no AUC)");
                continue;
            }

            var comparison = DeLong.Compare(rows.Select(r => r.A).ToList(), rows.Select(r => r.B).ToList(), rows.Select(r => r.IsTb).ToList());
            sources.Add(new SourceComparison(group.Key, rows.Count, positives, comparison));
        }

        if (onlySource is not null && sources.Count == 0 && skipped.Count == 0)
        {
            throw new ManifestException(fileA, $"has no image of source '{onlySource}' that {fileB} also has");
        }

        int unmatched = a.Count + b.Count - 2 * matched.Count;
        if (unmatched > 0)
        {
            skipped.Add($"{unmatched} images in only one of the two files");
        }

        return new PredictionComparisonResult(matched.Count, sources, skipped);
    }

    /// <summary>file -> (label, source, score) of a predictions.csv (<see cref="CaseTables.ReadPredictions(string, string, bool)"/>).</summary>
    private static Dictionary<string, (bool IsTb, string Source, double Score)> Read(string path, string column)
    {
        if (!File.Exists(path))
        {
            throw new ManifestException(path, "not found");
        }

        var result = new Dictionary<string, (bool, string, double)>(StringComparer.Ordinal);
        foreach (var c in CaseTables.ReadPredictions(path, column, requireDecision: false))
        {
            if (!result.TryAdd(c.File, (c.IsTb, c.Source ?? "", c.Score)))
            {
                throw new ManifestException(path, $"lists '{c.File}' twice");
            }
        }

        return result;
    }
}
