using TbScreen.Imaging;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests;

public class RadiographScreenerTests
{
    [Fact]
    public void A_radiograph_goes_through_both_nets_the_policy_and_the_heatmap()
    {
        using var ensemble = TbEnsemble.Load(TestBundles.WriteEnsemble());
        var screener = new RadiographScreener(ensemble);

        var result = screener.Screen(PhantomImages.Radiograph(brightness: 1.0));

        Assert.Equal(["alexnet", "googlenet"], result.Decision.Members.Select(m => m.Name));
        Assert.Equal(result.Decision.Members.Average(m => m.Probability), result.Decision.Probability, 12);
        Assert.Equal(result.Decision.Probability >= 0.5, result.Decision.IsTb);
        Assert.Equal(0.45, result.Decision.Members[1].Threshold);
        var heatmap = result.Heatmap!;
        Assert.Equal((TinyOnnxModel.Size, TinyOnnxModel.Size), (heatmap.Width, heatmap.Height));
        Assert.All(heatmap.Values, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(1f, heatmap.Values.Max());
        Assert.True(result.Timings.Total >= result.Timings.Inference);
    }

    [Fact]
    public void A_batch_matches_single_screening_and_skips_heatmaps_when_asked()
    {
        using var ensemble = TbEnsemble.Load(TestBundles.WriteEnsemble());
        var screener = new RadiographScreener(ensemble);
        Radiograph[] images = [PhantomImages.Radiograph(0.6), PhantomImages.Radiograph(1.0), PhantomImages.Radiograph(0.8)];

        var batch = screener.ScreenBatch(images, withHeatmap: false);

        for (int i = 0; i < images.Length; i++)
        {
            Assert.Null(batch[i].Heatmap);
            Assert.Equal(screener.Screen(images[i]).Decision.Probability, batch[i].Decision.Probability, 6);
        }

        Assert.True(batch[1].Decision.Probability > batch[0].Decision.Probability); // brighter scores higher
    }
}
