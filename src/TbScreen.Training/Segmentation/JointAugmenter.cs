using TbScreen.Training.Augmentation;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Segmentation;

/// <summary>
/// The classifier's augmentation ranges applied to an image and its mask together: one affine grid moves both
/// (bilinear, so the moved mask stays a soft fraction), the intensity changes touch the image only. All randomness
/// comes from the caller's <see cref="Random"/>, in sample order, so a seed reproduces the batch. The optional
/// field-of-view change (zoom-out, aspect) is part of the same grid; acquisition-style changes (blur, noise, JPEG,
/// resolution, borders, burned-in text) follow on the image only, since they alter the film and not the lungs.
/// </summary>
public sealed class JointAugmenter(AugmentationOptions options, FieldOfViewOptions? fieldOfView = null, AcquisitionAugmenter? acquisition = null)
{
    private readonly FieldOfViewOptions _fieldOfView = fieldOfView ?? new FieldOfViewOptions();

    /// <summary>As <see cref="Apply(Tensor, Tensor, Random)"/>, with the batch's image indices for the acquisition changes.</summary>
    public (Tensor Gray, Tensor Mask) Apply(Tensor gray, Tensor mask, IReadOnlyList<int> imageIndices, Random random)
    {
        var (x, y) = Apply(gray, mask, random);
        if (acquisition is null || !options.Enabled)
        {
            return (x, y);
        }

        using (x)
        {
            return (acquisition.Apply(x, imageIndices, random), y);
        }
    }

    public (Tensor Gray, Tensor Mask) Apply(Tensor gray, Tensor mask, Random random)
    {
        ArgumentNullException.ThrowIfNull(gray);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(random);
        if (!options.Enabled)
        {
            return (gray.alias(), mask.alias());
        }

        int n = (int)gray.shape[0];
        var theta = new float[n * 6];
        var contrast = new float[n];
        var brightness = new float[n];
        var gamma = new float[n];
        for (int i = 0; i < n; i++)
        {
            double angle = Uniform(random, options.RotationDegrees) * Math.PI / 180;
            double scale = 1 + Uniform(random, options.Scale);
            double scaleX = scale, scaleY = scale;
            if (_fieldOfView.Enabled)
            {
                // Drawn only when enabled, so runs without it keep their random stream.
                double zoom = random.NextDouble() < 0.5 ? 1 - _fieldOfView.ZoomOut * random.NextDouble() : 1;
                double stretch = 1 + Uniform(random, _fieldOfView.Aspect);
                scaleX = scale * zoom * stretch;
                scaleY = scale * zoom / stretch;
            }

            // affine_grid maps output to input: the inverse, rotation times diag(1 / scaleX, 1 / scaleY)
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            theta[i * 6 + 0] = (float)(cos / scaleX);
            theta[i * 6 + 1] = (float)(-sin / scaleY);
            theta[i * 6 + 2] = (float)(2 * Uniform(random, options.Translate)); // normalised coordinates span 2
            theta[i * 6 + 3] = (float)(sin / scaleX);
            theta[i * 6 + 4] = (float)(cos / scaleY);
            theta[i * 6 + 5] = (float)(2 * Uniform(random, options.Translate));
            contrast[i] = (float)(1 + Uniform(random, options.Contrast));
            brightness[i] = (float)Uniform(random, options.Brightness);
            gamma[i] = (float)Math.Exp(Uniform(random, Math.Log(options.Gamma)));
        }

        using var scope = NewDisposeScope();
        var grid = F.affine_grid(tensor(theta, new long[] { n, 2, 3 }), gray.shape, align_corners: false);
        var x = F.grid_sample(gray, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        var y = F.grid_sample(mask, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        var shape = new long[] { n, 1, 1, 1 };
        var mean = x.mean(new long[] { 1, 2, 3 }, keepdim: true);
        x = (x - mean) * tensor(contrast).reshape(shape) + mean + tensor(brightness).reshape(shape);
        x = x.clamp(0, 1).pow(tensor(gamma).reshape(shape));
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    private static double Uniform(Random random, double halfWidth) => (random.NextDouble() * 2 - 1) * halfWidth;
}
