using static TorchSharp.torch;

namespace TbScreen.Training.Augmentation;

/// <summary>
/// Applies <see cref="AcquisitionTransforms"/> to a batch [N,1,S,S] of [0,1] planes, each change with its
/// probability, all randomness from the caller's <see cref="Random"/> in sample order (a seed reproduces the batch).
/// Histogram matching picks its reference among the training images of other sources.
/// </summary>
public sealed class AcquisitionAugmenter
{
    private readonly AcquisitionOptions _options;
    private readonly string[] _sourceOfImage;
    private readonly int[] _trainImages;
    private readonly Func<int, float[]> _planeOf;
    private readonly Dictionary<int, double[]> _cdfs = [];

    /// <param name="sourceOfImage">The source of every image index the batches use.</param>
    /// <param name="trainImages">The image indices that may serve as histogram references (never validation or test).</param>
    /// <param name="planeOf">The preprocessed [0,1] plane of an image index.</param>
    public AcquisitionAugmenter(AcquisitionOptions options, IReadOnlyList<string> sourceOfImage, IReadOnlyList<int> trainImages, Func<int, float[]> planeOf)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _sourceOfImage = [.. sourceOfImage];
        _trainImages = [.. trainImages];
        _planeOf = planeOf;
    }

    public Tensor Apply(Tensor gray, IReadOnlyList<int> imageIndices, Random random)
    {
        ArgumentNullException.ThrowIfNull(gray);
        ArgumentNullException.ThrowIfNull(random);
        if (!_options.Enabled)
        {
            return gray.alias();
        }

        int n = (int)gray.shape[0], size = (int)gray.shape[3];
        float[] all = gray.contiguous().data<float>().ToArray();
        int plane = size * size;
        for (int i = 0; i < n; i++)
        {
            float[] x = all.AsSpan(i * plane, plane).ToArray();
            x = Augment(x, size, _sourceOfImage[imageIndices[i]], random);
            Array.Copy(x, 0, all, i * plane, plane);
        }

        return tensor(all, gray.shape);
    }

    private float[] Augment(float[] x, int size, string source, Random random)
    {
        if (Hit(random, _options.HistogramMatch) && ReferenceFrom(source, random) is double[] cdf)
        {
            x = AcquisitionTransforms.MatchHistogram(x, cdf);
        }

        if (Hit(random, _options.Window))
        {
            x = AcquisitionTransforms.Window(x, (float)(random.NextDouble() * 0.15), (float)(1 - random.NextDouble() * 0.15));
        }

        if (Hit(random, _options.Resolution))
        {
            x = AcquisitionTransforms.DownUp(x, size, 0.3 + 0.4 * random.NextDouble());
        }

        if (Hit(random, _options.BlurOrSharpen))
        {
            double sigma = 0.5 + random.NextDouble();
            x = random.Next(2) == 0 ? AcquisitionTransforms.Blur(x, size, sigma) : AcquisitionTransforms.Sharpen(x, size, sigma, (float)(0.3 + 0.7 * random.NextDouble()));
        }

        if (Hit(random, _options.Noise))
        {
            x = AcquisitionTransforms.Noise(x, 0.005 + 0.025 * random.NextDouble(), random);
        }

        if (Hit(random, _options.Borders))
        {
            int Band() => random.Next(3) == 0 ? random.Next(size * 12 / 100 + 1) : 0;
            float value = random.Next(3) switch { 0 => 0f, 1 => 1f, _ => (float)random.NextDouble() };
            x = AcquisitionTransforms.Borders(x, size, Band(), Band(), Band(), Band(), value);
        }

        if (Hit(random, _options.Text))
        {
            BurnedInText.DrawRandom(x, size, random);
        }

        if (Hit(random, _options.Jpeg))
        {
            x = AcquisitionTransforms.Jpeg(x, size, 20 + random.Next(61));
        }

        return x;
    }

    private double[]? ReferenceFrom(string source, Random random)
    {
        var others = _trainImages.Where(i => _sourceOfImage[i] != source).ToArray();
        if (others.Length == 0)
        {
            return null;
        }

        int pick = others[random.Next(others.Length)];
        if (!_cdfs.TryGetValue(pick, out var cdf))
        {
            cdf = AcquisitionTransforms.Cdf(_planeOf(pick));
            _cdfs[pick] = cdf;
        }

        return cdf;
    }

    private static bool Hit(Random random, double probability) => random.NextDouble() < probability;
}
