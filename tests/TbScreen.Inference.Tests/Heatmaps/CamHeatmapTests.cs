using TbScreen.Inference.Heatmaps;
using TbScreen.Inference.Runtime;

namespace TbScreen.Inference.Tests.Heatmaps;

public class CamHeatmapTests
{
    [Fact]
    public void Values_are_normalised_to_zero_one_with_the_peak_at_one()
    {
        var heatmap = CamHeatmap.From(new CamMap(2, 2, [-3f, 1f, 2f, 4f]), 2);

        // Same size: no interpolation. ReLU then / max 4.
        Assert.Equal([0f, 0.25f, 0.5f, 1f], heatmap.Values);
        Assert.Equal((2, 2), (heatmap.Width, heatmap.Height));
    }

    [Fact]
    public void A_map_without_positive_evidence_is_all_zero_not_stretched_noise()
    {
        var heatmap = CamHeatmap.From(new CamMap(2, 2, [-3f, -1f, -2f, float.NaN]), 4);
        Assert.All(heatmap.Values, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Upsampling_uses_half_pixel_bilinear_interpolation()
    {
        // 1x2 -> 1x4 along x: source x = (t + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamp -> 0, 0.25, 0.75, 1.
        float[] values = CamHeatmap.Upsample(new CamMap(1, 2, [0f, 4f]), 1, 4);
        Assert.Equal([0f, 1f, 3f, 4f], values);
    }

    [Fact]
    public void A_constant_map_upsamples_to_a_constant_heatmap_of_the_input_size()
    {
        var heatmap = CamHeatmap.From(new CamMap(7, 7, Enumerable.Repeat(0.3f, 49).ToArray()), 224);

        Assert.Equal(224 * 224, heatmap.Values.Length);
        Assert.All(heatmap.Values, v => Assert.Equal(1f, v, 6));
    }

    [Fact]
    public void A_cam_whose_values_do_not_fill_its_shape_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => CamHeatmap.From(new CamMap(2, 2, [1f]), 4));
    }
}
