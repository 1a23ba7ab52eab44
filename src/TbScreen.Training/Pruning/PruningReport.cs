using System.Globalization;
using System.Net;
using System.Text;
using TbScreen.Training.Training;

namespace TbScreen.Training.Pruning;

/// <summary>A table as the dashboard renders it: preformatted strings.</summary>
public sealed record ReportTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>The combined pruning.json of a `prune` call: tables first (the dashboard contract), then the detail.</summary>
public sealed record PruningReportFile(
    IReadOnlyList<ReportTable> Tables,
    string? Selected,
    double Tolerance,
    IReadOnlyList<PruningRunRecord> Runs,
    DateTimeOffset WrittenAt);

/// <summary>Writes pruning.json (tables + records) and pruning.svg (validation AUC against compression, one line per method).</summary>
public static class PruningReport
{
    public const string JsonFile = "pruning.json";
    public const string SvgFile = "pruning.svg";

    public static PruningReportFile Write(string directory, IReadOnlyList<PruningRunRecord> runs, double tolerance, PrunedChoice? choice)
    {
        ArgumentNullException.ThrowIfNull(runs);
        Directory.CreateDirectory(directory);
        var report = new PruningReportFile(Tables(runs, tolerance), choice is null ? null : Label(choice), tolerance, runs, DateTimeOffset.UtcNow);
        TrainingJson.Write(Path.Combine(directory, JsonFile), report);
        File.WriteAllText(Path.Combine(directory, SvgFile), Svg(runs, tolerance));
        return report;
    }

    public static string Label(PrunedChoice choice)
    {
        string validation = choice.Round.Validation.Auc is null
            ? "no validation split"
            : F($"val AUC {choice.Round.Validation.Auc:F4} (dense {choice.DenseValidationAuc:F4})");
        return F($"{choice.Run.Arch} {(choice.Run.Structured ? "structured" : "unstructured")} {choice.Run.Method} round {choice.Round.Round}{(choice.FixedRound ? " (fixed by --round)" : "")}: {choice.Round.Compression:F2}x, {validation}");
    }

    public static IReadOnlyList<ReportTable> Tables(IReadOnlyList<PruningRunRecord> runs, double tolerance)
    {
        var summary = new List<IReadOnlyList<string>>();
        foreach (var run in runs)
        {
            var dense = run.Rounds.FirstOrDefault();
            var best = PruningSelection.BestOf(run, tolerance);
            summary.Add(
            [
                run.Arch, run.Structured ? "structured" : "unstructured", run.Method, $"k={run.RewindEpoch}, t={run.RetrainEpochs}",
                (run.Rounds.Count - 1).ToString(CultureInfo.InvariantCulture),
                best is null ? "none" : F($"{best.Compression:F2}x (round {best.Round})"),
                Auc(best?.Validation.Auc),
                Auc(best?.Test.Auc),
                best is null || dense?.Latency is null || best.Latency is null ? "-" : F($"{dense.Latency.MedianMs / best.Latency.MedianMs:F2}x"),
                Auc(dense?.Validation.Auc),
            ]);
        }

        var tables = new List<ReportTable>
        {
            new(F($"Compression at matched AUC (validation AUC >= dense - {tolerance})"),
                ["net", "pruning", "method", "schedule", "rounds", "compression", "val AUC", "test AUC", "CPU speed-up", "dense val AUC"], summary),
        };
        foreach (var run in runs)
        {
            var rows = run.Rounds.Select(r => (IReadOnlyList<string>)
            [
                r.Round.ToString(CultureInfo.InvariantCulture),
                F($"{r.Sparsity:P1}"),
                F($"{r.Compression:F2}x"),
                F($"{r.Parameters / 1e6:F2} M"),
                F($"{r.OnnxBytes / 1e6:F1} MB"),
                r.SparseOnnxBytes is long s ? F($"{s / 1e6:F1} MB") : "-",
                F($"{(r.SparseOnnxGzipBytes ?? r.OnnxGzipBytes) / 1e6:F1} MB"),
                Ci(r.Validation),
                Ci(r.Test),
                r.Latency is null ? "-" : F($"{r.Latency.MedianMs:F1} ms"),
            ]).ToList();
            tables.Add(new ReportTable(
                $"{run.Arch} {(run.Structured ? "structured" : "unstructured")} {run.Method} (k={run.RewindEpoch}, t={run.RetrainEpochs}, rate {run.Options.Rate})",
                ["round", "pruned", "compression", "params", "ONNX", "sparse ONNX", "gzip", "val AUC (95% CI)", "test AUC (95% CI)", "ORT CPU latency (b=1, median)"],
                rows));
        }

        return tables;
    }

    /// <summary>Validation AUC against compression (log2 axis), one polyline per run; the dashed line is dense - tolerance.</summary>
    public static string Svg(IReadOnlyList<PruningRunRecord> runs, double tolerance)
    {
        const int width = 560, height = 420, left = 60, right = 170, top = 40, bottom = 50;
        string[] colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
        var points = runs.SelectMany(r => r.Rounds).Where(r => r.Validation.Auc is not null).ToList();
        double maxLog = Math.Max(1, Math.Ceiling(points.Select(p => Math.Log2(p.Compression)).DefaultIfEmpty(1).Max()));
        double yMin = Math.Floor(points.Select(p => p.Validation.Auc!.Value).DefaultIfEmpty(0.5).Min() * 20) / 20;
        yMin = Math.Min(yMin, 0.95);
        double X(double compression) => left + Math.Log2(compression) / maxLog * (width - left - right);
        double Y(double auc) => top + (1 - (auc - yMin) / (1 - yMin)) * (height - top - bottom);
        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        Text(svg, (left + width - right) / 2.0, 20, "Validation AUC vs compression (iterative pruning)", "middle", "14");
        svg.Append(F($"<rect x=\"{left}\" y=\"{top}\" width=\"{width - left - right}\" height=\"{height - top - bottom}\" fill=\"none\" stroke=\"black\"/>\n"));
        for (int e = 0; e <= maxLog; e++)
        {
            Text(svg, X(Math.Pow(2, e)), height - bottom + 15, F($"{Math.Pow(2, e):0.#}x"), "middle");
        }

        for (double v = yMin; v <= 1.0001; v += (1 - yMin) / 5)
        {
            Text(svg, left - 5, Y(v) + 4, F($"{v:0.00}"), "end");
        }

        Text(svg, (left + width - right) / 2.0, height - 12, "Compression (dense conv+linear weights / remaining), log scale", "middle");
        svg.Append(F($"<text x=\"15\" y=\"{height / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 15 {height / 2})\">Validation AUC</text>\n"));
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            string colour = colours[i % colours.Length];
            var line = run.Rounds.Where(r => r.Validation.Auc is not null).Select(r => F($"{X(r.Compression):0.#},{Y(r.Validation.Auc!.Value):0.#}"));
            svg.Append(F($"<polyline points=\"{string.Join(' ', line)}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\n"));
            foreach (var r in run.Rounds.Where(r => r.Validation.Auc is not null))
            {
                svg.Append(F($"<circle cx=\"{X(r.Compression):0.#}\" cy=\"{Y(r.Validation.Auc!.Value):0.#}\" r=\"3\" fill=\"{colour}\"><title>round {r.Round}: {r.Compression:F2}x, AUC {r.Validation.Auc:F4}</title></circle>\n"));
            }

            double ly = top + 10 + 18 * i;
            svg.Append(F($"<line x1=\"{width - right + 10}\" y1=\"{ly - 4}\" x2=\"{width - right + 30}\" y2=\"{ly - 4}\" stroke=\"{colour}\" stroke-width=\"2\"/>\n"));
            Text(svg, width - right + 34, ly, $"{run.Arch} {(run.Structured ? "struct." : "unstr.")} {run.Method}", "start");
            if (i == 0 && run.Rounds.FirstOrDefault()?.Validation.Auc is double dense)
            {
                double y = Y(dense - tolerance);
                svg.Append(F($"<line x1=\"{left}\" y1=\"{y:0.#}\" x2=\"{width - right}\" y2=\"{y:0.#}\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>\n"));
                Text(svg, width - right - 4, y - 4, F($"dense - {tolerance}"), "end");
            }
        }

        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>An AUC, or "-" where there was none (no round chosen, or no validation split).</summary>
    public static string Auc(double? auc) => auc is double a ? F($"{a:F4}") : "-";

    private static string Ci(AucWithCi auc) => auc.Auc is null ? "-" : auc.Low is null ? F($"{auc.Auc:F4}") : F($"{auc.Auc:F4} ({auc.Low:F3}-{auc.High:F3})");

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Text(StringBuilder svg, double x, double y, string text, string anchor, string size = "12") =>
        svg.Append(F($"<text x=\"{x:0.#}\" y=\"{y:0.#}\" text-anchor=\"{anchor}\" font-size=\"{size}\">{WebUtility.HtmlEncode(text)}</text>\n"));
}
