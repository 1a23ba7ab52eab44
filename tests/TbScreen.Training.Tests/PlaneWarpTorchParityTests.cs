using TbScreen.Imaging;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Tests;

/// <summary>
/// The serving path's test-time views (plain C#, <see cref="PlaneWarp"/>) against torch's affine_grid + grid_sample,
/// which the training augmentation uses: the same view must show the network the same pixels it trained on.
/// </summary>
public sealed class PlaneWarpTorchParityTests
{
    [Theory]
    [InlineData(1.06, 0, 0, 0)]
    [InlineData(0.94, 0, 0, 0)]
    [InlineData(1, 5, 0, 0)]
    [InlineData(1, -5, 0, 0)]
    [InlineData(1, 0, 0.04, 0)]
    [InlineData(1, 0, 0, -0.04)]
    [InlineData(1.08, -7, 0.08, 0.05)]
    public void PlaneWarp_matches_torch_grid_sample_with_zero_padding(double scale, double degrees, double shiftX, double shiftY)
    {
        const int size = 24;
        var random = new Random(7);
        float[] plane = Enumerable.Range(0, size * size).Select(_ => (float)random.NextDouble()).ToArray();
        var view = new AffineView { Scale = scale, RotationDegrees = degrees, ShiftX = shiftX, ShiftY = shiftY };

        float[] ours = PlaneWarp.Apply(plane, size, view);

        using var scope = NewDisposeScope();
        double angle = degrees * Math.PI / 180, c = Math.Cos(angle) / scale, s = Math.Sin(angle) / scale;
        var theta = tensor(new float[] { (float)c, (float)-s, (float)(2 * shiftX), (float)s, (float)c, (float)(2 * shiftY) }, new long[] { 1, 2, 3 });
        var input = tensor(plane, new long[] { 1, 1, size, size });
        var grid = F.affine_grid(theta, input.shape, align_corners: false);
        float[] reference = F.grid_sample(input, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false).data<float>().ToArray();

        Assert.Equal(reference.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            Assert.True(Math.Abs(reference[i] - ours[i]) < 2e-5, $"pixel {i}: torch {reference[i]}, ours {ours[i]}");
        }
    }

    [Fact]
    public void The_standard_test_time_views_stay_inside_the_training_augmentation_s_ranges()
    {
        // The ranges training draws from (zoom 1 ± 0.08, rotation ± 7 degrees, shifts ± 8%): read from the options
        // the trainer uses, so a narrower augmentation fails here instead of leaving views the nets never saw.
        var training = new Augmentation.AugmentationOptions();
        var views = Inference.Ensembles.TestTimeAugmentation.Standard.Views;
        Assert.Equal(8, views.Count);
        Assert.Empty(Inference.Ensembles.TestTimeAugmentation.Standard.Problems());
        Assert.All(views, v => Assert.True(Math.Abs(v.Scale - 1) <= training.Scale && Math.Abs(v.RotationDegrees) <= training.RotationDegrees
            && Math.Abs(v.ShiftX) <= training.Translate && Math.Abs(v.ShiftY) <= training.Translate));
    }
}

/// <summary>Robustness runs score single views, so a definition that averages test-time views is refused by name.</summary>
public sealed class RobustnessTestTimeViewsTests
{
    [Fact]
    public void A_definition_with_test_time_views_is_refused_naming_the_file_and_one_without_passes()
    {
        var plain = new Inference.Ensembles.EnsembleDefinition
        {
            Members = [new() { Bundle = "alexnet" }, new() { Bundle = "googlenet" }],
        };
        var withViews = plain with { TestTimeAugmentation = Inference.Ensembles.TestTimeAugmentation.Standard };

        Robustness.BundleTargets.RefuseTestTimeViews("models/ensemble.json", plain);
        var e = Assert.Throws<Robustness.RobustnessException>(() => Robustness.BundleTargets.RefuseTestTimeViews("models/ensemble-3.json", withViews));

        Assert.Contains("models/ensemble-3.json", e.Message);
        Assert.Contains("averages 9 test-time views per image", e.Message);
    }
}
