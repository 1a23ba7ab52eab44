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
}
