namespace TbScreen.Imaging;

/// <summary>
/// The pixel grid of the viewer's rendering: every <see cref="Step"/>-th row and column of the original, so the
/// longer side is at most maxSize. Output pixel (r, c) shows original pixel (r * Step, c * Step). Shared by the
/// radiograph rendering and the heatmap re-projection so the two overlay pixel for pixel.
/// </summary>
public readonly record struct DisplayGrid(int Step, int Rows, int Columns)
{
    public static DisplayGrid For(int sourceRows, int sourceColumns, int maxSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceColumns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 1);
        int step = Math.Max(1, (int)Math.Ceiling(Math.Max(sourceRows, sourceColumns) / (double)maxSize));
        return new DisplayGrid(step, (sourceRows + step - 1) / step, (sourceColumns + step - 1) / step);
    }
}
