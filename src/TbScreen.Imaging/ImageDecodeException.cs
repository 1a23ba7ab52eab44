namespace TbScreen.Imaging;

/// <summary>
/// An image could not be turned into a <see cref="Radiograph"/>. One exception type for every decoder failure
/// so callers (CLI, batch jobs) can report "which file, and why" without knowing ImageSharp's exception zoo.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(string filePath, string reason, Exception? innerException = null)
        : base($"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    public string FilePath { get; }

    public string Reason { get; }
}
