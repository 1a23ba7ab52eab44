using TbScreen.Dicom;

namespace TbScreen.Screening.Jobs;

/// <summary>
/// A cheap look at a batch file's first bytes before the pipeline reads all of it: an archive may hold videos,
/// reports or FIFOs, and these get their status row without being loaded. Every batch host (local runs, queue
/// workers) asks this first, so both give the same row for the same file.
/// </summary>
public static class InputSniffer
{
    /// <summary>Null when the file may be an image; otherwise why it is not.</summary>
    public static string? WhyNotAnImage(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return Directory.Exists(path) ? "is a folder, not a file" : "file not found";
        }

        // Also keeps FIFOs and devices (length 0) from blocking a worker on open.
        if (info.Length == 0)
        {
            return "empty file (or not a regular file)";
        }

        Span<byte> head = stackalloc byte[DicomSniffer.HeadLength];
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read file: {e.Message}";
        }

        return Verdict(head[..read], info.Length);
    }

    /// <summary>The same verdict for content already in memory (read from the content store).</summary>
    public static string? WhyNotAnImage(ReadOnlySpan<byte> content) =>
        content.Length == 0 ? "empty file" : Verdict(content[..Math.Min(content.Length, DicomSniffer.HeadLength)], content.Length);

    private static string? Verdict(ReadOnlySpan<byte> head, long length) =>
        RadiographFiles.IsRaster(head) || DicomSniffer.IsDicom(head, length)
            ? null
            : "not a DICOM, PNG or JPEG file";
}
