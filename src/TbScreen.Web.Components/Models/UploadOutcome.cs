namespace TbScreen.Web.Components.Models;

/// <summary>What the host's upload delegate reports for one file: a link to its result, or the error text.</summary>
public sealed record UploadOutcome(bool Succeeded, string? ResultUrl, string? Error, string? Summary = null)
{
    public static UploadOutcome Success(string resultUrl, string? summary = null) => new(true, resultUrl, null, summary);

    public static UploadOutcome Failure(string error) => new(false, null, error);
}

/// <summary>Which files the drop zone accepts before anything is sent: extension and size.</summary>
public static class UploadRules
{
    /// <summary>DICOM, PNG and JPEG; a file without an extension is accepted too (PACS exports often have none).</summary>
    public static readonly IReadOnlyList<string> AcceptedExtensions = [".dcm", ".dicom", ".png", ".jpg", ".jpeg"];

    /// <summary>Null when the file may be uploaded, else a sentence naming the file and the reason.</summary>
    public static string? Reject(string fileName, long size, long maxFileSize)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        string extension = Path.GetExtension(fileName);
        if (extension.Length > 0 && !AcceptedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
        {
            return $"{fileName}: type {extension} is not accepted; upload DICOM (.dcm, .dicom or no extension), PNG or JPEG.";
        }

        if (size == 0)
        {
            return $"{fileName}: the file is empty.";
        }

        if (size > maxFileSize)
        {
            return $"{fileName}: {Megabytes(size)} exceeds the {Megabytes(maxFileSize)} limit per file.";
        }

        return null;
    }

    public static string Megabytes(long bytes) =>
        (bytes / (1024.0 * 1024.0)).ToString(bytes < 1024 * 1024 ? "0.##" : "0.#", System.Globalization.CultureInfo.InvariantCulture) + " MB";
}
