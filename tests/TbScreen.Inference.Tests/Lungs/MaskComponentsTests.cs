using TbScreen.Inference.Lungs;

namespace TbScreen.Inference.Tests.Lungs;

public sealed class MaskComponentsTests
{
    [Fact]
    public void Components_are_eight_connected_and_sorted_by_area()
    {
        var mask = MaskDrawing.Parse(
            "##.....#",
            "###.....",
            "...#..##",
            "......##");

        var components = MaskComponents.Find(mask);

        // The diagonal pixel at (2,3) joins the 5-pixel block; the 2x2 block and the lone corner pixel stand alone.
        Assert.Equal([6, 4, 1], components.Select(c => c.Area).ToArray());
        Assert.Equal((0, 0, 2, 3), (components[0].Top, components[0].Left, components[0].Bottom, components[0].Right));
        Assert.Equal((2, 6, 3, 7), (components[1].Top, components[1].Left, components[1].Bottom, components[1].Right));
    }

    [Fact]
    public void KeepLargest_drops_specks_and_the_third_blob()
    {
        var mask = MaskDrawing.Parse(
            "##..#..##",
            "##.....##",
            "##..##.##",
            ".........");

        Assert.Equal(
            ["##.....##", "##.....##", "##.....##", "........."],
            MaskDrawing.Render(MaskComponents.KeepLargest(mask, 2)));
    }

    [Fact]
    public void FillHoles_fills_enclosed_background_but_not_a_bay_open_to_the_border()
    {
        var mask = MaskDrawing.Parse(
            "#####....",
            "#..##.###",
            "#.#.#.#..",
            "#####.###");

        // Left: the enclosed pixels (1,1), (1,2), (2,1), (2,3) fill. Right: the bay opens to the right edge and stays.
        Assert.Equal(
            ["#####....", "#####.###", "#####.#..", "#####.###"],
            MaskDrawing.Render(MaskComponents.FillHoles(mask)));
    }

    [Fact]
    public void PostProcess_keeps_two_lungs_and_fills_their_holes()
    {
        var mask = MaskDrawing.Parse(
            "###...###",
            "#.#.#.###",
            "###...#.#",
            "......###");

        Assert.Equal(
            ["###...###", "###...###", "###...###", "......###"],
            MaskDrawing.Render(MaskComponents.PostProcess(mask)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 9)]
    [InlineData(9, 1)]
    [InlineData(7, 5)]
    [InlineData(40, 33)]
    [InlineData(128, 97)]
    public void Run_labelling_agrees_exactly_with_the_pixel_flood_fill(int width, int height)
    {
        var random = new Random(width * 1000 + height);
        for (int trial = 0; trial < 30; trial++)
        {
            var mask = RandomMask(random, width, height);
            var expected = FloodFillReference.Label(mask);

            Assert.Equal(expected.Components, MaskComponents.Find(mask));
            var keptPixels = expected.Labels.Select(l => l > 0 && expected.Components.Take(2).Any(c => c.Label == l)).ToArray();
            Assert.Equal(keptPixels, MaskComponents.KeepLargest(mask, 2).Pixels);
            Assert.Equal(FloodFillReference.FillHoles(mask), MaskComponents.FillHoles(mask).Pixels);
        }
    }

    /// <summary>Noise at a random density, or blobs (smoothed noise) that make large, holed, touching regions.</summary>
    private static BinaryMask RandomMask(Random random, int width, int height)
    {
        double density = random.NextDouble();
        var noise = Enumerable.Range(0, width * height).Select(_ => random.NextDouble()).ToArray();
        if (random.Next(2) == 0)
        {
            return new BinaryMask(width, height, noise.Select(v => v < density).ToArray());
        }

        var pixels = new bool[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double sum = 0;
                int n = 0;
                for (int dy = -2; dy <= 2; dy++)
                {
                    for (int dx = -2; dx <= 2; dx++)
                    {
                        if (x + dx >= 0 && x + dx < width && y + dy >= 0 && y + dy < height)
                        {
                            sum += noise[((y + dy) * width) + x + dx];
                            n++;
                        }
                    }
                }

                pixels[(y * width) + x] = sum / n < 0.35 + (0.3 * density);
            }
        }

        return new BinaryMask(width, height, pixels);
    }
}
