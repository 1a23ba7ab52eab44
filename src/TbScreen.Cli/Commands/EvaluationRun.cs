using System.Globalization;
using System.Text;
using System.Text.Json;
using TbScreen.Cli.Batch;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Metrics;

namespace TbScreen.Cli.Commands;

/// <summary>The I/O half of `evaluate`: load and screen images in batches, then write the report files.</summary>
internal static class EvaluationRun
{
    public const string MetricsFileName = "metrics.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Pixels decoded at once: eight 3000x3000 films are screened in two batches, 20-megapixel films two at a time.</summary>
    public const long BatchPixels = 32_000_000;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    public static (List<EvaluatedCase> Cases, List<CaseFailure> Failures) Screen(TbEnsemble ensemble, IReadOnlyList<ManifestRow> rows, int batchSize, TextWriter stderr)
    {
        var screener = new RadiographScreener(ensemble);
        var cases = new List<EvaluatedCase>(rows.Count);
        var failures = new List<CaseFailure>();
        var batch = new ImageBatch<(ManifestRow Row, Radiograph Radiograph)>(batchSize, BatchPixels);
        // A hospital's set of large films takes minutes: a progress line every 10 s on stderr, as `screen` prints.
        var progress = new PlainBatchProgress(stderr, ProgressInterval);
        progress.Started(rows.Count, alreadyDone: 0);
        void ScreenBatch()
        {
            var loaded = batch.Take();
            var results = screener.ScreenBatch(loaded.Select(l => l.Radiograph).ToArray(), withHeatmap: false);
            cases.AddRange(loaded.Select((l, i) => new EvaluatedCase(l.Row.File, l.Row.IsTb, l.Row.Source, results[i].Decision, l.Row.Findings)));
            foreach (var _ in loaded)
            {
                progress.ItemDone(ok: true);
            }
        }

        foreach (var row in rows)
        {
            Radiograph radiograph;
            try
            {
                radiograph = RadiographFiles.Load(row.Path);
            }
            catch (Exception e) when (e is DicomException or ImageDecodeException)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                failures.Add(new CaseFailure(row.File, e.Message));
                progress.ItemDone(ok: false);
                continue;
            }

            if (batch.Add((row, radiograph), (long)radiograph.Layout.Rows * radiograph.Layout.Columns))
            {
                ScreenBatch();
            }
        }

        if (batch.Count > 0)
        {
            ScreenBatch();
        }

        progress.Finished();
        return (cases, failures);
    }

    public static void WriteOutputs(string outDir, EvaluationReport report, IReadOnlyList<EvaluatedCase> cases)
    {
        OutputFiles.Write(Path.Combine(outDir, MetricsFileName), JsonSerializer.SerializeToUtf8Bytes(report, Json));
        OutputFiles.Write(Path.Combine(outDir, "predictions.csv"), Encoding.UTF8.GetBytes(PredictionsCsv(cases)));
        bool[] labels = cases.Select(c => c.IsTb).ToArray();
        var series = new List<RocSeries>();
        for (int m = 0; m < cases[0].Decision.Members.Count; m++)
        {
            var scored = new ScoredCases(cases.Select(c => c.Decision.Members[m].Probability).ToArray(), labels);
            series.Add(new RocSeries(cases[0].Decision.Members[m].Name, RocCurve.Points(scored), DeLong.Auc(scored)));
        }

        var ensemble = new ScoredCases(cases.Select(c => c.Decision.Probability).ToArray(), labels);
        series.Add(new RocSeries("ensemble", RocCurve.Points(ensemble), DeLong.Auc(ensemble)));
        OutputFiles.Write(Path.Combine(outDir, "roc.svg"), Encoding.UTF8.GetBytes(SvgPlots.Roc(series, $"ROC, n = {cases.Count}")));
        var calibration = Calibration.Compute(ensemble);
        OutputFiles.Write(Path.Combine(outDir, "reliability.svg"), Encoding.UTF8.GetBytes(SvgPlots.Reliability(calibration.Bins, calibration.ExpectedCalibrationError, "Ensemble reliability")));
    }

    private static string PredictionsCsv(IReadOnlyList<EvaluatedCase> cases)
    {
        var csv = new StringBuilder();
        csv.Append("file,label,source,");
        csv.AppendJoin(',', cases[0].Decision.Members.Select(m => m.Name));
        csv.Append(",ensemble,decision,flags\n");
        foreach (var c in cases)
        {
            csv.Append(CultureInfo.InvariantCulture, $"\"{c.File.Replace("\"", "\"\"")}\",{(c.IsTb ? 1 : 0)},\"{c.Source.Replace("\"", "\"\"")}\",");
            csv.AppendJoin(',', c.Decision.Members.Select(m => m.Probability.ToString("R", CultureInfo.InvariantCulture)));
            csv.Append(CultureInfo.InvariantCulture, $",{c.Decision.Probability:R},{(c.Decision.IsTb ? 1 : 0)},{string.Join('+', c.Decision.FlagNames)}\n");
        }

        return csv.ToString();
    }
}
