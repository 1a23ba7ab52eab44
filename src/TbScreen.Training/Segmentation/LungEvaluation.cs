using TbScreen.Inference.Metrics;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Datasets;

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
            var result = segmenter.Segment(RadiographFiles.Load(record.Path));
            var reference = ReadReference(record, result.Mask.Width, result.Mask.Height);

            var item = new LungEvaluationCase(Path.GetFileName(record.Path), MaskMetrics.Dice(result.Mask, reference), result.LungsFound, result.Check.Reason);
            cases.Add(item);
            onCase?.Invoke(item);
        }

        return new LungEvaluationResult(split, Distribution(cases), cases.Count(c => !c.LungsFound), cases);
    }

    /// <summary>
    /// The union of the image's reference masks (<see cref="MaskedImages.ReferenceMaskPaths"/>), checked against the
    /// image's size.
    /// </summary>
    public static BinaryMask ReadReference(CxrRecord record, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(record);
        var paths = MaskedImages.ReferenceMaskPaths(record);
        if (paths.Count == 0)
        {
            throw new DatasetException("no reference lung mask (masks/<file> beside it, or ManualMask/leftMask and rightMask in the NLM layout)", record.Path);
        }

        var union = new bool[width * height];
        foreach (string path in paths)
        {
            var mask = ReadMask(path);
            if (mask.Width != width || mask.Height != height)
            {
                throw new DatasetException($"mask is {mask.Width}x{mask.Height} but the image is {width}x{height}", path);
            }

            for (int i = 0; i < union.Length; i++)
            {
                union[i] |= mask.Pixels[i];
            }
        }

        return new BinaryMask(width, height, union);
    }

    /// <summary>
    /// A two-valued mask file (PNG or DICOM) as a binary mask: lung where the windowed value is at least half the
    /// file's largest, so 0/255 and 0/1 masks (Montgomery's) both read; an all-zero file is an empty mask.
    /// </summary>
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

        float[] values = RadiographPipeline.ToUnitGray(mask);
        float top = values.Length == 0 ? 0 : values.Max();
        return BinaryMask.FromValues(mask.Layout.Columns, mask.Layout.Rows, values, top > 0 ? top / 2 : 0.5f);
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
