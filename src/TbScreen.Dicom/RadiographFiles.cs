using TbScreen.Imaging;

namespace TbScreen.Dicom;

/// <summary>Loads any supported radiograph file, choosing DICOM or PNG/JPEG by content, not by extension.</summary>
public static class RadiographFiles
{
    public static bool IsRaster(ReadOnlySpan<byte> head) =>
        (head.Length >= 8 && head[..8].SequenceEqual<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        || (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF);

    /// <summary>Throws <see cref="DicomException"/> or <see cref="ImageDecodeException"/> for bad input.</summary>
    public static Radiograph Load(string path)
    {
        Span<byte> head = stackalloc byte[8];
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DicomException($"cannot read file: {e.Message}", path, inner: e);
        }

        return IsRaster(head[..read]) ? RasterImageLoader.Default.Load(path) : new DicomRadiographReader().Read(path);
    }
}
