using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Dicom;
using TbScreen.Inference.Lungs;
using TbScreen.Training.Augmentation;
using TbScreen.Inference.Datasets;

namespace TbScreen.Training.Segmentation;

/// <summary>A radiograph as [0,1] grey (1 = white, row-major) with its reference lung mask at the same size.</summary>
public sealed record StressImage(float[] Gray, int Width, int Height, BinaryMask Mask);

/// <summary>One way another hospital's films differ from the training hospital's; geometric ones move the mask too.</summary>
public sealed record LungStressCondition(string Name, string Description, Func<StressImage, Random, StressImage> Apply);

/// <summary>Dice of the shipped pipeline on the changed images, and the mean change against the unchanged ones.</summary>
public sealed record LungStressRow(string Condition, string Description, DiceDistribution Dice, double MeanChange,
    IReadOnlyList<LungEvaluationCase> NotFound)
{
    public int LungsNotFound => NotFound.Count;
}

public sealed record LungStressResult(string Split, IReadOnlyList<LungStressRow> Conditions);

/// <summary>
/// A stress test of the lung segmenter for hospitals whose masks we do not have: each held-out image is changed the
/// way another site's films differ (a wider or portrait field of view, blur, noise, JPEG, a coarser detector,
/// burned-in markers, collimation), run through the whole pipeline (ONNX Runtime, resampling, post-processing), and
/// scored against its reference mask moved the same way. Deterministic: every random draw is seeded by image and
/// condition.
/// </summary>
public static class LungStress
{
    public const int Seed = 20261206;

    public static IReadOnlyList<LungStressCondition> Conditions { get; } =
    [
        new("none", "as recorded (re-encoded at 16 bits)", (image, _) => image),
        new("zoom-out", "black margin of 12.5% of the size on every side: the lungs at 80% of the film", (image, _) =>
            Pad(image, Fraction(image.Width, 0.125), Fraction(image.Height, 0.125), Fraction(image.Width, 0.125), Fraction(image.Height, 0.125))),
        new("portrait", "black bands above and below, 11% of the height each: a portrait film like Montgomery's 4020x4892", (image, _) =>
            Pad(image, 0, Fraction(image.Height, 0.11), 0, Fraction(image.Height, 0.11))),
        new("blur", "Gaussian blur, sigma 0.5% of the larger side", (image, _) =>
            image with { Gray = AcquisitionTransforms.Blur(image.Gray, image.Width, image.Height, 0.005 * Math.Max(image.Width, image.Height)) }),
        new("noise", "additive Gaussian noise, sigma 0.03", (image, random) => image with { Gray = AcquisitionTransforms.Noise(image.Gray, 0.03, random) }),
        new("jpeg", "8-bit JPEG at quality 15", (image, _) => image with { Gray = AcquisitionTransforms.Jpeg(image.Gray, image.Width, image.Height, 15) }),
        new("low-resolution", "area-averaged to 25% and bilinear back: a coarse detector", (image, _) =>
            image with { Gray = AcquisitionTransforms.DownUp(image.Gray, image.Width, image.Height, 0.25) }),
        new("markers", "burned-in white side marker (top left) and date (bottom right)", (image, _) => Markers(image)),
        new("collimation", "white unexposed bands, 6% of the size on every side (image only)", (image, _) =>
            image with { Gray = Collimation(image, Fraction(image.Width, 0.06), Fraction(image.Height, 0.06)) }),
    ];

    /// <summary>Every condition (or the named ones) on every record; the reference masks are read beside the images.</summary>
    public static LungStressResult Run(LungSegmenter segmenter, IReadOnlyList<CxrRecord> records, string split, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(segmenter);
        ArgumentNullException.ThrowIfNull(records);
        var conditions = Select(names);
        if (records.Count == 0)
        {
            throw new DatasetException($"the {split} split has no image with a lung mask");
        }

        var cases = conditions.Select(_ => new List<LungEvaluationCase>(records.Count)).ToArray();
        for (int i = 0; i < records.Count; i++)
        {
            var original = Load(records[i]);
            for (int c = 0; c < conditions.Count; c++)
            {
                var changed = conditions[c].Apply(original, new Random(unchecked(Seed + 1009 * i + c)));
                var result = segmenter.Segment(ToRadiograph(changed, $"{records[i].Path} ({conditions[c].Name})"));
                cases[c].Add(new LungEvaluationCase(Path.GetFileName(records[i].Path), MaskMetrics.Dice(result.Mask, changed.Mask), result.LungsFound, result.Check.Reason));
            }
        }

        double baseline = cases[0].Average(x => x.Dice);
        var rows = conditions.Select((condition, c) => new LungStressRow(condition.Name, condition.Description,
            LungEvaluation.Distribution(cases[c]), cases[c].Average(x => x.Dice) - baseline,
            cases[c].Where(x => !x.LungsFound).ToList())).ToList();
        return new LungStressResult(split, rows);
    }

    /// <summary>The named conditions in the fixed order, always led by "none" (the baseline the changes are measured against).</summary>
    public static IReadOnlyList<LungStressCondition> Select(IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return Conditions;
        }

        var unknown = names.Where(n => Conditions.All(c => c.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown stress condition '{unknown[0]}'; known: {string.Join(", ", Conditions.Select(c => c.Name))}");
        }

        return Conditions.Where(c => c.Name == "none" || names.Contains(c.Name)).ToList();
    }

    /// <summary>The record's image as [0,1] grey through the pipeline's first stages, and its reference mask.</summary>
    public static StressImage Load(CxrRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var radiograph = RadiographFiles.Load(record.Path);
        var mask = LungEvaluation.ReadReference(record, radiograph.Layout.Columns, radiograph.Layout.Rows);

        return new StressImage(RadiographPipeline.ToUnitGray(radiograph), mask.Width, mask.Height, mask);
    }

    /// <summary>A 16-bit MONOCHROME2 radiograph with the full-range window, as a 16-bit PNG of these values would load.</summary>
    public static Radiograph ToRadiograph(StressImage image, string source)
    {
        ArgumentNullException.ThrowIfNull(image);
        int[] stored = image.Gray.Select(v => (int)Math.Round(Math.Clamp(v, 0f, 1f) * 65535.0)).ToArray();
        return new Radiograph(new PixelLayout(image.Height, image.Width, 1, 16, false, "MONOCHROME2"), stored, new RadiographMetadata())
        {
            Voi = RasterImageLoader.FullRangeWindow(16),
            Source = source,
        };
    }

    /// <summary>Adds black margins (pixels) to the image and empty margins to the mask.</summary>
    public static StressImage Pad(StressImage image, int left, int top, int right, int bottom)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width + left + right, height = image.Height + top + bottom;
        var gray = new float[width * height];
        var mask = new bool[width * height];
        for (int y = 0; y < image.Height; y++)
        {
            Array.Copy(image.Gray, y * image.Width, gray, (y + top) * width + left, image.Width);
            Array.Copy(image.Mask.Pixels, y * image.Width, mask, (y + top) * width + left, image.Width);
        }

        return new StressImage(gray, width, height, new BinaryMask(width, height, mask));
    }

    private static StressImage Markers(StressImage image)
    {
        float[] gray = (float[])image.Gray.Clone();
        int large = Math.Max(1, image.Width / 64), small = Math.Max(1, image.Width / 128);
        int margin = Fraction(image.Width, 0.03);
        BurnedInText.Draw(gray, image.Width, image.Height, "R", margin, margin, large, 1f);
        const string date = "2019 05 12";
        BurnedInText.Draw(gray, image.Width, image.Height, date, image.Width - margin - date.Length * 6 * small, image.Height - margin - 7 * small, small, 1f);
        return image with { Gray = gray };
    }

    private static float[] Collimation(StressImage image, int across, int down) =>
        AcquisitionTransforms.Borders(image.Gray, image.Width, image.Height, across, down, across, down, 1f);

    private static int Fraction(int size, double fraction) => (int)Math.Round(size * fraction);
}
