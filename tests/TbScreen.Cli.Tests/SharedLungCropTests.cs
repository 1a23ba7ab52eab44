using TbScreen.Dicom.Tests.TestData;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Data;

namespace TbScreen.Cli.Tests;

/// <summary>
/// The lung-field crop ablation trains on exactly the input inference gives a bundle that crops to the lungs: the shipped
/// models/lungs on real Shenzhen films (../shared, read in place). Skips naming the folder when absent, fails under CI=true.
/// </summary>
public sealed class SharedLungCropTests
{
    [SkippableFact]
    public void Training_planes_are_the_lung_field_crops_that_screening_uses()
    {
        string shenzhen = Path.Combine(SharedDicomData.SharedDataFolder, "shenzhen");
        SharedDicomData.Require(Path.Combine(shenzhen, "manifest.csv"));
        var records = new[] { "shz_dev_0001.png", "shz_dev_0002.png" }
            .Select(f => new CxrRecord(Path.Combine(shenzhen, f), 1, null, null, "shenzhen", f)).ToList();
        var contract = (InputContract.Default with { Size = 64, Channels = 1, CropBorders = true }).WithLungCrop();
        using var lungs = LungSegmenter.FromModels(Path.Combine(SharedDicomData.RepositoryRoot, "models"));

        var images = PreprocessedImages.Load(records, contract, threads: 1, lungs: lungs);

        for (int i = 0; i < records.Count; i++)
        {
            var film = RadiographFiles.Load(records[i].Path);
            var segmentation = lungs.Segment(film);
            Assert.True(segmentation.LungsFound, segmentation.Check.Reason);
            var box = LungFieldCrop.For(contract, segmentation)!.Value;
            // The lungs fill well under the whole film: the crop really is smaller than the image.
            Assert.True(box.Rows * box.Columns < 0.8 * film.Layout.Rows * film.Layout.Columns, $"{box} of {film.Layout.Rows}x{film.Layout.Columns}");
            float[] expected = RadiographPipeline.ToTensor(film, contract, box);
            float[] plane = images.Plane(i);
            float[] full = RadiographPipeline.ToTensor(film, contract.WithoutLungCrop());
            // The cache keeps [0,1] halves; the tensor is (x - 0.5) / 0.25.
            Assert.All(Enumerable.Range(0, plane.Length), p => Assert.Equal(expected[p], (plane[p] - contract.Mean) / contract.Std, 0.01));
            Assert.True(Enumerable.Range(0, plane.Length).Average(p => Math.Abs(full[p] - expected[p])) > 0.05, "the crop changed nothing");
        }
    }

    [Fact]
    public void A_contract_that_crops_to_the_lungs_needs_a_segmenter()
    {
        var contract = InputContract.Default.WithLungCrop();

        var error = Assert.Throws<ArgumentException>(() => PreprocessedImages.Load([new CxrRecord("x.png", 0, null, null, null, "x")], contract));

        Assert.Contains("--lungs", error.Message);
    }
}
