using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

/// <summary>The lung-field crop stage: the model sees exactly the given box, resized by the contract; without a box the border stage applies.</summary>
public class LungCropContractTests
{
    private const int Rows = 40;
    private const int Columns = 30;

    // A fixed window, so both images are windowed alike (the fallback window would depend on each image's histogram).
    private static readonly WindowVoi Window = new(128, 256);

    private static readonly InputContract Lungs = (InputContract.Default with { Size = 16, CropBorders = true }).WithLungCrop();

    private static int[] Pixels()
    {
        var random = new Random(7);
        return Enumerable.Range(0, Rows * Columns).Select(_ => random.Next(0, 256)).ToArray();
    }

    private static Radiograph Film(int rows, int columns, int[] pixels) => TestRadiographs.Gray(rows, columns, pixels, bitsStored: 8, voi: Window);

    private static Radiograph CutOut(int[] pixels, PixelRect box)
    {
        var cut = new int[box.Rows * box.Columns];
        for (int y = 0; y < box.Rows; y++)
        {
            Array.Copy(pixels, ((box.Top + y) * Columns) + box.Left, cut, y * box.Columns, box.Columns);
        }

        return Film(box.Rows, box.Columns, cut);
    }

    [Fact]
    public void The_input_is_the_tensor_of_the_cut_out_lung_field()
    {
        int[] pixels = Pixels();
        var box = new PixelRect(5, 4, 21, 17);

        float[] cropped = RadiographPipeline.ToTensor(Film(Rows, Columns, pixels), Lungs, box);
        float[] reference = RadiographPipeline.ToTensor(CutOut(pixels, box), Lungs.WithoutLungCrop() with { CropBorders = false });

        Assert.Equal(reference, cropped);
        Assert.NotEqual(RadiographPipeline.ToTensor(Film(Rows, Columns, pixels), Lungs), cropped);
    }

    [Fact]
    public void Without_a_lung_field_the_border_stage_applies()
    {
        // A film with a black frame 3 px wide: the border crop removes it, exactly as for a contract that never crops to the lungs.
        int[] pixels = Pixels().Select((v, i) => i / Columns < 3 || i / Columns >= Rows - 3 || i % Columns < 3 || i % Columns >= Columns - 3 ? 0 : Math.Max(v, 60)).ToArray();
        var film = Film(Rows, Columns, pixels);

        Assert.Equal(RadiographPipeline.ToTensor(film, Lungs.WithoutLungCrop()), RadiographPipeline.ToTensor(film, Lungs, lungField: null));
        Assert.Equal(new PixelRect(3, 3, Rows - 6, Columns - 6), RadiographPipeline.InputGeometry(film, Lungs, lungField: null).Crop);
    }

    [Fact]
    public void A_contract_that_does_not_crop_to_the_lungs_ignores_the_box()
    {
        var film = Film(Rows, Columns, Pixels());
        var full = Lungs.WithoutLungCrop();

        Assert.Equal(RadiographPipeline.ToTensor(film, full), RadiographPipeline.ToTensor(film, full, new PixelRect(5, 4, 21, 17)));
    }

    [Fact]
    public void The_geometry_places_the_heatmap_square_over_the_lung_field()
    {
        // Box 20 x 10 into 16: rows 16, columns round(10 * 16 / 20) = 8, left (16 - 8) / 2 = 4.
        var geometry = RadiographPipeline.InputGeometry(Film(Rows, Columns, Pixels()), Lungs, new PixelRect(10, 6, 20, 10));

        Assert.Equal(new PixelRect(10, 6, 20, 10), geometry.Crop);
        Assert.Equal(new PixelRect(0, 4, 16, 8), geometry.Content);
        Assert.Equal((6.0, 10.0), geometry.ToSource(4, 0));
    }

    [Fact]
    public void A_box_outside_the_image_is_refused()
    {
        var film = Film(Rows, Columns, Pixels());

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RadiographPipeline.ToTensor(film, Lungs, new PixelRect(30, 0, 11, 10)));
        Assert.Contains("40x30", error.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void The_margin_must_be_a_fraction(double margin)
    {
        Assert.Throws<ArgumentException>(() => (Lungs with { LungCropMargin = margin }).Validate());
    }

    [Fact]
    public void The_lung_crop_goes_with_pipeline_version_2_so_older_builds_refuse_it()
    {
        Assert.Equal(InputContract.LungCropPipelineVersion, Lungs.PipelineVersion);
        Assert.Throws<ArgumentException>(() => (Lungs with { PipelineVersion = InputContract.CurrentPipelineVersion }).Validate());
        Assert.Throws<ArgumentException>(() => (InputContract.Default with { PipelineVersion = InputContract.LungCropPipelineVersion }).Validate());
        Lungs.WithoutLungCrop().Validate();
        Assert.Equal(InputContract.Default, Lungs.WithoutLungCrop() with { Size = InputContract.Default.Size, CropBorders = false });
    }
}
