using TbScreen.Imaging;
using TbScreen.Inference.Lungs;

namespace TbScreen.Inference.Tests.Lungs;

public sealed class MaskResamplerTests
{
    [Fact]
    public void Upsampling_reads_the_map_bilinearly_at_half_pixel_centres()
    {
        // 8x8 original, 4x4 map: original column c reads map x = (c + 0.5) / 2 - 0.5, clamped to [0, 3].
        // Along x the map is 0, 1, 1, 0: c = 0..7 reads -0.25→0, 0.25→0.25, 0.75→0.75, 1.25→1, 1.75→1, 2.25→1, 2.75→0.25, 3.25→0.
        var row = new float[] { 0, 1, 1, 0 };
        var map = Enumerable.Repeat(row, 4).SelectMany(r => r).ToArray();
        var geometry = new InputGeometry(8, 8, new PixelRect(0, 0, 8, 8), 4, new PixelRect(0, 0, 4, 4));

        var mask = MaskResampler.ToSource(map, geometry, 0.5);

        Assert.Equal(8, mask.Width);
        Assert.Equal(8, mask.Height);
        Assert.All(MaskDrawing.Render(mask), r => Assert.Equal("..####..", r));
    }

    [Fact]
    public void Letterbox_padding_never_reaches_the_mask()
    {
        // A 2-row, 4-column image in a 4x4 square: content rows 1-2; rows 0 and 3 are padding, here set to 1.
        float[] map =
        [
            1, 1, 1, 1,
            0, 0.6f, 0.4f, 0,
            0.2f, 0.9f, 0.5f, 0.1f,
            1, 1, 1, 1,
        ];
        var geometry = new InputGeometry(2, 4, new PixelRect(0, 0, 2, 4), 4, new PixelRect(1, 0, 2, 4));

        var mask = MaskResampler.ToSource(map, geometry, 0.5);

        Assert.Equal([".#..", ".##."], MaskDrawing.Render(mask));
    }
}
