namespace TbScreen.Imaging;

/// <summary>A raster image (PNG/JPEG) could not be read; carries the file and the reason.</summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(string filePath, string reason, Exception? inner = null)
        : base($"{filePath}: {reason}", inner)
    {
        FilePath = filePath;
        Reason = reason;
    }

    public string FilePath { get; }

    public string Reason { get; }
}
