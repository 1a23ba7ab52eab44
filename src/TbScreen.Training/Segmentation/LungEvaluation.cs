using TbScreen.Inference.Metrics;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Lungs;
using TbScreen.Training.Data;

namespace TbScreen.Training.Segmentation;

/// <summary>One image's result against its reference mask.</summary>
public sealed record LungEvaluationCase(string File, double Dice, bool LungsFound, string Check);

/// <summary>What `tbscreen segment --evaluate` prints and writes.</summary>
public sealed record LungEvaluationResult(string Split, DiceDistribution Dice, int LungsNotFound, IReadOnlyList<LungEvaluationCase> Cases);

/// <summary>
/// Dice of the shipped pipeline (ONNX Runtime, resampling to the original size, post-processing) against the reference
/// masks at their original resolution: the number the bundle reports.
/// </summary>
public static class LungEvaluation
{
    public const int BootstrapResamples = 2000;

    public static LungEvaluationResult Run(LungSegmenter segmenter, IReadOnlyList<CxrRecord> records, string split, Action<LungEvaluationCase>? onCase = null)
    {
        ArgumentNullException.ThrowIfNull(segmenter);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            throw new DatasetException($"the {split} split has no image with a lung mask");
        }

        var cases = new List<LungEvaluationCase>(records.Count);
        foreach (var record in records)
        {
            var reference = ReadMask(MaskedImages.MaskPath(record));
            var result = segmenter.Segment(RadiographFiles.Load(record.Path));
            if (result.Mask.Width != reference.Width || result.Mask.Height != reference.Height)
            {
                throw new DatasetException($"mask is {reference.Width}x{reference.Height} but the image is {result.Mask.Width}x{result.Mask.Height}", MaskedImages.MaskPath(record));
            }

            var item = new LungEvaluationCase(Path.GetFileName(record.Path), MaskMetrics.Dice(result.Mask, reference), result.LungsFound, result.Check.Reason);
            cases.Add(item);
            onCase?.Invoke(item);
        }

        return new LungEvaluationResult(split, Distribution(cases), cases.Count(c => !c.LungsFound), cases);
    }

    /// <summary>A 0/255 mask file (PNG or DICOM) as a binary mask: lung where the windowed value is at least one half.</summary>
    public static BinaryMask ReadMask(string path)
    {
        Radiograph mask;
        try
        {
            mask = RadiographFiles.Load(path);
        }
        catch (Exception e) when (e is DicomException or ImageDecodeException)
        {
            throw new DatasetException($"cannot read the lung mask: {e.Message}", path, inner: e);
        }

        return BinaryMask.FromValues(mask.Layout.Columns, mask.Layout.Rows, RadiographPipeline.ToUnitGray(mask));
    }

    /// <summary>Mean with a seeded percentile-bootstrap CI, min, 5th percentile, median, max and every value.</summary>
    public static DiceDistribution Distribution(IReadOnlyList<LungEvaluationCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        double[] values = cases.Select(c => c.Dice).ToArray();
        double[] sorted = values.Order().ToArray();
        var random = new Random(20240607);
        var means = new double[BootstrapResamples];
        for (int b = 0; b < means.Length; b++)
        {
            double sum = 0;
            for (int i = 0; i < values.Length; i++)
            {
                sum += values[random.Next(values.Length)];
            }

            means[b] = sum / values.Length;
        }

        Array.Sort(means);
        return new DiceDistribution
        {
            Count = values.Length,
            Mean = values.Average(),
            MeanCi = [Percentile(means, 0.025), Percentile(means, 0.975)],
            Min = sorted[0],
            P5 = Percentile(sorted, 0.05),
            Median = Percentile(sorted, 0.5),
            Max = sorted[^1],
            PerImage = cases.ToDictionary(c => c.File, c => Math.Round(c.Dice, 5), StringComparer.Ordinal),
        };
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    internal static double Percentile(double[] sorted, double q) => Quantiles.OfSorted(sorted, q);
}
