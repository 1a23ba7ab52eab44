using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Runtime;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Lungs;

/// <summary>Members whose contract crops to the lungs are screened on the crop the ensemble's lungs bundle finds.</summary>
public sealed class LungCropScreeningTests
{
    private const int Width = 80;
    private const int Height = 64;

    /// <summary>A bright 80x64 film with two dark 20x36 "lungs" (rows 14-49, columns 12-31 and 48-67).</summary>
    private static Radiograph Film()
    {
        var lungs = MaskDrawing.Rectangles(Width, Height, (14, 12, 36, 20), (14, 48, 36, 20));
        byte[] pixels = lungs.Pixels.Select(p => p ? (byte)20 : (byte)220).ToArray();
        string path = Path.Combine(TestBundles.TempDirectory(), "film.png");
        File.WriteAllBytes(path, GrayPngWriter.Encode(pixels, Width, Height));
        return RasterImageLoader.Default.Load(path);
    }

    /// <summary>models/ with two bright-is-TB members that crop to the lungs, and (optionally) the tiny lungs bundle.</summary>
    private static string Models(bool withLungs)
    {
        string models = TestBundles.WriteEnsemble();
        foreach (string name in new[] { "alexnet", "googlenet" })
        {
            string dir = Path.Combine(models, name);
            var metadata = ModelBundle.Load(dir).Metadata;
            ModelBundle.WriteMetadata(dir, metadata with { Input = metadata.Input!.WithLungCrop() with { LungCropMargin = 0.1 } });
        }

        var definition = EnsembleDefinition.Load(models);
        if (withLungs)
        {
            TinySegmentationModel.WriteBundle(models);
        }

        TestBundles.WriteEnsembleJson(models, definition with { Lungs = withLungs ? "lungs" : null });
        return models;
    }

    [Fact]
    public void Each_member_scores_the_lung_field_crop()
    {
        using var ensemble = TbEnsemble.Load(Models(withLungs: true));
        var film = Film();

        var result = new RadiographScreener(ensemble).Screen(film);

        var segmentation = ensemble.Lungs!.Segment(film);
        Assert.True(segmentation.LungsFound, segmentation.Check.Reason);
        var box = LungFieldCrop.Find(segmentation.Mask, 0.1)!.Value;
        // The box is the two lungs (rows 14-49, columns 12-67) plus 10%, so little of the bright film around them remains.
        Assert.InRange(box.Top, 8, 14);
        Assert.InRange(box.Rows, 36, 46);
        for (int m = 0; m < ensemble.Members.Count; m++)
        {
            var member = ensemble.Members[m];
            double expected = member.PredictOne(RadiographPipeline.ToTensor(film, member.Contract, box)).TbProbability;
            double full = member.PredictOne(RadiographPipeline.ToTensor(film, member.Contract.WithoutLungCrop())).TbProbability;
            Assert.Equal(expected, result.Decision.Members[m].Probability, 6);
            // Bright is TB: the dark crop scores lower than the whole bright film, so the crop really reached the model.
            Assert.True(expected < full - 0.01, $"crop {expected}, full {full}");
        }

        Assert.Equal(box, ensemble.InputGeometry(film, ensemble.HeatmapIndex!.Value).Crop);
    }

    [Fact]
    public void Without_plausible_lungs_the_full_image_is_used_and_flagged()
    {
        using var ensemble = TbEnsemble.Load(Models(withLungs: true));
        string path = Path.Combine(TestBundles.TempDirectory(), "blank.png");
        File.WriteAllBytes(path, GrayPngWriter.Encode(Enumerable.Repeat((byte)230, 32 * 32).ToArray(), 32, 32));
        var blank = RasterImageLoader.Default.Load(path);

        var result = new RadiographScreener(ensemble).Screen(blank);

        Assert.True(result.Decision.Flags.HasFlag(FlagReasons.LungsNotFound));
        var member = ensemble.Members[0];
        double full = member.PredictOne(RadiographPipeline.ToTensor(blank, member.Contract)).TbProbability;
        Assert.Equal(full, result.Decision.Members[0].Probability, 6);
    }

    [Fact]
    public void An_ensemble_without_a_lungs_bundle_refuses_members_that_crop_to_the_lungs()
    {
        var error = Assert.Throws<ModelBundleException>(() => TbEnsemble.Load(Models(withLungs: false)));

        Assert.Contains("lungs", error.Message);
        Assert.Contains("alexnet", error.Message);
    }

    [Fact]
    public void The_crop_is_asked_for_only_by_the_contract_and_only_when_lungs_were_found()
    {
        var mask = MaskDrawing.Rectangles(100, 100, (20, 20, 50, 20), (25, 60, 45, 20));
        var found = new LungSegmentation(mask, LungPlausibility.Default.Check(mask));
        var missing = new LungSegmentation(MaskDrawing.Rectangles(100, 100), LungPlausibility.Default.Check(MaskDrawing.Rectangles(100, 100)));
        var contract = InputContract.Default.WithLungCrop() with { LungCropMargin = 0.1 };

        Assert.True(found.LungsFound, found.Check.Reason);
        Assert.Equal(new PixelRect(15, 14, 60, 72), LungFieldCrop.For(contract, found));
        Assert.Null(LungFieldCrop.For(contract.WithoutLungCrop(), found));
        Assert.Null(LungFieldCrop.For(contract, missing));
        Assert.Null(LungFieldCrop.For(contract, null));
    }
}
