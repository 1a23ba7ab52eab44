using TbScreen.Dicom;

namespace TbScreen.Web.Jobs;

/// <summary>
/// The files of a folder a job screens: DICOM found by content (with or without .dcm), PNG and JPEG by their
/// signatures; anything else (reports, thumbnails' sidecars, DICOMDIR-less junk) is skipped, not failed.
/// Why here and not the CLI's batch runner: the web host may not reference the CLI (it brings TorchSharp).
/// </summary>
public static class RadiographFolderScanner
{
    private const int HeadLength = 132;

    public static IEnumerable<string> Scan(string folder, bool recursive)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = recursive,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.System,
        };
        // Sorted so that item order, and so a job's progress, is the same on every run.
        return Directory.EnumerateFiles(folder, "*", options).Order(StringComparer.Ordinal).Where(IsCandidate);
    }

    public static bool IsCandidate(string path)
    {
        try
        {
            var head = new byte[HeadLength];
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            int read = stream.ReadAtLeast(head, HeadLength, throwOnEndOfStream: false);
            return RadiographFiles.IsRaster(head.AsSpan(0, Math.Min(read, 8))) || DicomReader.LooksLikeDicom(head[..read]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable files are still items: the job reports them as unreadable-image instead of hiding them.
            return true;
        }
    }
}
