namespace TbScreen.Imaging;

/// <summary>A single-channel float image, row-major. Internal working type between pipeline stages.</summary>
internal sealed record GrayImage(int Rows, int Columns, float[] Pixels)
{
    public static GrayImage Blank(int rows, int columns) => new(rows, columns, new float[(long)rows * columns]);

    public float this[int row, int column] => Pixels[(row * Columns) + column];
}
