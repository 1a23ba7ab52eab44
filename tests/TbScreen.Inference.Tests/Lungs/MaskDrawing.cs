using TbScreen.Inference.Lungs;

namespace TbScreen.Inference.Tests.Lungs;

/// <summary>Masks drawn from ASCII ('#' = lung) or filled rectangles, for hand-checkable tests.</summary>
internal static class MaskDrawing
{
    public static BinaryMask Parse(params string[] rows) =>
        new(rows[0].Length, rows.Length, rows.SelectMany(r => r.Select(c => c == '#')).ToArray());

    /// <summary>A width x height mask with each (top, left, rows, columns) rectangle set.</summary>
    public static BinaryMask Rectangles(int width, int height, params (int Top, int Left, int Rows, int Columns)[] boxes)
    {
        var pixels = new bool[width * height];
        foreach (var (top, left, rows, columns) in boxes)
        {
            for (int y = top; y < top + rows; y++)
            {
                for (int x = left; x < left + columns; x++)
                {
                    pixels[(y * width) + x] = true;
                }
            }
        }

        return new BinaryMask(width, height, pixels);
    }

    public static string[] Render(BinaryMask mask) =>
        Enumerable.Range(0, mask.Height).Select(y => new string(Enumerable.Range(0, mask.Width).Select(x => mask[y, x] ? '#' : '.').ToArray())).ToArray();
}
