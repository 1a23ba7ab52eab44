namespace TbScreen.Imaging;

/// <summary>An axis-aligned block of whole pixels: rows Top .. Top + Rows - 1, columns Left .. Left + Columns - 1.</summary>
public readonly record struct PixelRect(int Top, int Left, int Rows, int Columns)
{
    /// <summary>True when the continuous point (x, y) lies in the block; pixel (r, c) covers [c, c + 1) x [r, r + 1).</summary>
    public bool Contains(double x, double y) => x >= Left && x < Left + Columns && y >= Top && y < Top + Rows;
}
