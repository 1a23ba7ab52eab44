using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Augmentation;

/// <summary>
/// Applies random affine (rotation, scale, translation) and intensity (brightness, contrast, gamma) changes to
/// a batch of [0,1] gray images [N,1,H,W]. All randomness comes from the caller's <see cref="Random"/>, drawn
/// in sample order, so a seed reproduces the batch exactly.
/// </summary>
public sealed class GrayAugmenter(AugmentationOptions options)
{
    public AugmentationOptions Options { get; } = Validated(options);

    public Tensor Apply(Tensor gray, Random random)
    {
        ArgumentNullException.ThrowIfNull(gray);
        ArgumentNullException.ThrowIfNull(random);
        if (!Options.Enabled)
        {
            return gray.alias();
        }

        int n = (int)gray.shape[0];
        var theta = new float[n * 6];
        var contrast = new float[n];
        var brightness = new float[n];
        var gamma = new float[n];
        for (int i = 0; i < n; i++)
        {
            double angle = Uniform(random, Options.RotationDegrees) * Math.PI / 180;
            double scale = 1 + Uniform(random, Options.Scale);
            double tx = 2 * Uniform(random, Options.Translate); // normalised coordinates span 2
            double ty = 2 * Uniform(random, Options.Translate);
            // affine_grid maps output to input coordinates: the inverse of "rotate by angle, zoom by scale".
            double c = Math.Cos(angle) / scale, s = Math.Sin(angle) / scale;
            theta[i * 6 + 0] = (float)c;
            theta[i * 6 + 1] = (float)-s;
            theta[i * 6 + 2] = (float)tx;
            theta[i * 6 + 3] = (float)s;
            theta[i * 6 + 4] = (float)c;
            theta[i * 6 + 5] = (float)ty;
            contrast[i] = (float)(1 + Uniform(random, Options.Contrast));
            brightness[i] = (float)Uniform(random, Options.Brightness);
            gamma[i] = (float)Math.Exp(Uniform(random, Math.Log(Options.Gamma)));
        }

        using var scope = NewDisposeScope();
        var grid = F.affine_grid(tensor(theta, new long[] { n, 2, 3 }), gray.shape, align_corners: false);
        // Zero padding is black, the same value the letterbox pads with.
        var x = F.grid_sample(gray, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        var shape = new long[] { n, 1, 1, 1 };
        var mean = x.mean(new long[] { 1, 2, 3 }, keepdim: true);
        x = (x - mean) * tensor(contrast).reshape(shape) + mean + tensor(brightness).reshape(shape);
        x = x.clamp(0, 1).pow(tensor(gamma).reshape(shape));
        return x.MoveToOuterDisposeScope();
    }

    private static double Uniform(Random random, double halfWidth) => (random.NextDouble() * 2 - 1) * halfWidth;

    private static AugmentationOptions Validated(AugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }
}
