using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Lungs;

/// <summary>The polarity check: its two measures by hand, and the segmenter calling a negative film inverted.</summary>
public sealed class LungPolarityTests
{
    [Fact]
    public void Doubt_is_undecided_pixels_per_lung_pixel_inside_the_content_block()
    {
        // 4x4 map, content = rows 1-3 (row 0 is letterbox padding, ignored even though it is undecided).
        float[] probability =
        [
            0.5f, 0.5f, 0.5f, 0.5f,
            0.95f, 0.6f, 0.05f, 0.1f,
            0.99f, 0.9f, 0.3f, 0.0f,
            0.2f, 0.02f, 0.5f, 0.89f,
        ];
        var content = new PixelRect(1, 0, 3, 4);

        // Lung (>= 0.5): 0.95, 0.6, 0.99, 0.9, 0.5, 0.89 = 6. Undecided (0.1 < p < 0.9, both ends open): 0.6, 0.3, 0.2, 0.5, 0.89 = 5.
        Assert.Equal(5.0 / 6, LungPolarity.Doubt(probability, 0.5, 4, content), 12);
        Assert.Equal(double.PositiveInfinity, LungPolarity.Doubt(new float[16], 0.5, 4, content));
        Assert.Throws<ArgumentException>(() => LungPolarity.Doubt(new float[15], 0.5, 4, content));
    }

    [Fact]
    public void The_negative_inverts_gray_inside_the_content_and_keeps_the_padding_black()
    {
        var contract = InputContract.Default with { Channels = 1 };
        // Gray 0.25 -> (0.25 - 0.5) / 0.25 = -1; its negative 0.75 -> +1. Padding (gray 0) stays -2.
        float[] tensor = [-2f, -2f, -1f, 0.5f];
        float[] negative = LungPolarity.Negative(tensor, 2, new PixelRect(1, 0, 1, 2), contract);

        Assert.Equal([-2f, -2f, 1f, -0.5f], negative);
    }

    [Theory]
    [InlineData(IntensityStandardisation.None, 1e-5)]
    // Equalising a negative gives one minus the equalised film except where a value sits on a bin edge (1/256 of gray).
    [InlineData(IntensityStandardisation.HistogramEqualisation, 4.0 / 256)]
    public void The_negative_of_a_films_tensor_is_the_tensor_of_its_inverted_film(IntensityStandardisation standardisation, double tolerance)
    {
        var contract = InputContract.Default with { Size = 32, Channels = 1, Standardisation = standardisation };
        var (film, inverted) = FilmAndNegative(60, 40);
        float[] tensor = RadiographPipeline.ToTensor(film, contract);
        var content = RadiographPipeline.InputGeometry(film, contract).Content;

        float[] negative = LungPolarity.Negative(tensor, contract.Size, content, contract);

        float[] expected = RadiographPipeline.ToTensor(inverted, contract);
        Assert.All(negative.Zip(expected).Select((p, i) => (p.First, p.Second, i)), p => Assert.True(Math.Abs(p.First - p.Second) <= tolerance, $"{p.i}: {p.First} {p.Second}"));
    }

    [Fact]
    public void The_segmenter_calls_a_negative_film_inverted_and_the_film_itself_not()
    {
        using var segmenter = new LungSegmenter(SegmentationBundle.Load(TinySegmentationModel.WriteBundle(TestBundles.TempDirectory())));
        var (film, inverted) = FilmAndNegative(80, 64);

        var asGiven = segmenter.Segment(film, checkPolarity: true);
        var negative = segmenter.Segment(inverted, checkPolarity: true);

        Assert.True(asGiven.LungsFound, asGiven.Check.Reason);
        Assert.False(asGiven.LooksInverted);
        Assert.True(negative.LooksInverted);
        Assert.Null(segmenter.Segment(inverted).LooksInverted); // masks alone: no second run
    }

    [Fact]
    public void Screening_flags_the_negative_film_inverted_and_names_it()
    {
        string models = TestBundles.WriteEnsemble();
        var definition = EnsembleDefinition.Load(models);
        TinySegmentationModel.WriteBundle(models);
        TestBundles.WriteEnsembleJson(models, definition with { Lungs = "lungs" });
        using var ensemble = TbEnsemble.Load(models);
        var screener = new RadiographScreener(ensemble);
        var (film, inverted) = FilmAndNegative(80, 64);

        var asGiven = screener.Screen(film, withHeatmap: false).Decision;
        var negative = screener.Screen(inverted, withHeatmap: false).Decision;

        Assert.False(asGiven.Flags.HasFlag(FlagReasons.Inverted));
        Assert.True(negative.Flags.HasFlag(FlagReasons.Inverted));
        Assert.Equal("inverted", negative.FlagNames[^1]);
    }

    /// <summary>
    /// Two dark "lungs" (each 30% of the film) on a brighter, graded body, and the same film with every value inverted.
    /// The test model is a plain intensity threshold whose undecided pixels are the same edges in a film and its
    /// negative, so its doubt is smaller wherever the marked area is larger: here, in the film with dark lungs.
    /// </summary>
    private static (Radiograph Film, Radiograph Negative) FilmAndNegative(int width, int height)
    {
        int top = height / 10, rows = height * 8 / 10, columns = width * 3 / 8;
        var lungs = MaskDrawing.Rectangles(width, height, (top, width / 12, rows, columns), (top, width - (width / 12) - columns, rows, columns));
        byte[] pixels = new byte[width * height];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = lungs.Pixels[i] ? (byte)(30 + (i % 7)) : (byte)(170 + (i / width * 60 / height));
        }

        string folder = TestBundles.TempDirectory();
        string a = Path.Combine(folder, "film.png"), b = Path.Combine(folder, "negative.png");
        File.WriteAllBytes(a, GrayPngWriter.Encode(pixels, width, height));
        File.WriteAllBytes(b, GrayPngWriter.Encode(pixels.Select(p => (byte)(255 - p)).ToArray(), width, height));
        return (RasterImageLoader.Default.Load(a), RasterImageLoader.Default.Load(b));
    }
}
