using TbScreen.Imaging;
using TbScreen.Screening.Display;

namespace TbScreen.Screening.Tests.Display;

public sealed class WindowLevelRendererTests
{
    /// <summary>A 2x3 MONOCHROME2 film: image values 100..400, two pixels of padding 0.</summary>
    private static Radiograph Film(string photometric = "MONOCHROME2", PixelPadding? padding = null, VoiTransform? voi = null) =>
        new(new PixelLayout(2, 3, 1, 12, false, photometric), [0, 100, 200, 300, 400, 0], new RadiographMetadata()) { Padding = padding, Voi = voi };

    [Fact]
    public void The_default_window_spans_the_image_values_by_the_linear_formula()
    {
        var rendered = WindowLevelRenderer.Render(Film());

        // min 0, max 400: c = 200.5, w = 401; 0 -> 0, 400 -> 255, 200 -> round(0.5 * 255) = 128.
        Assert.Equal(new DisplayWindow(200.5, 401), rendered.Window);
        Assert.Equal(new byte[] { 0, 64, 128, 191, 255, 0 }, rendered.Pixels);
    }

    [Fact]
    public void Declared_padding_is_left_out_of_the_range_and_drawn_black()
    {
        var rendered = WindowLevelRenderer.Render(Film(padding: new PixelPadding(0, 0)));

        // min 100, max 400: c = 250.5, w = 301; 100 -> 0, 200 -> round(100/300 * 255) = 85, 300 -> 170, 400 -> 255.
        Assert.Equal((100.0, 400.0), WindowLevelRenderer.ValueRange(Film(padding: new PixelPadding(0, 0))));
        Assert.Equal(new DisplayWindow(250.5, 301), rendered.Window);
        Assert.Equal(new byte[] { 0, 0, 85, 170, 255, 0 }, rendered.Pixels);
    }

    [Fact]
    public void Padding_stays_black_on_monochrome1_and_under_the_file_window()
    {
        var rendered = WindowLevelRenderer.Render(Film("MONOCHROME1", new PixelPadding(0, 0), new WindowVoi(250.5, 301)));

        // Inverted: 100 -> 255, 400 -> 0; the padding 0 would be white (255) without the declaration.
        Assert.Equal(new byte[] { 0, 255, 170, 85, 0, 0 }, rendered.Pixels);
    }

    [Fact]
    public void A_film_of_nothing_but_padding_keeps_its_range()
    {
        var film = new Radiograph(new PixelLayout(1, 2, 1, 12, false, "MONOCHROME2"), [7, 7], new RadiographMetadata()) { Padding = new PixelPadding(7, 7) };

        Assert.Equal((7.0, 7.0), WindowLevelRenderer.ValueRange(film));
        Assert.Equal(new byte[] { 0, 0 }, WindowLevelRenderer.Render(film).Pixels);
    }
}
