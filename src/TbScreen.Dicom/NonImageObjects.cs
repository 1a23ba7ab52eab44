namespace TbScreen.Dicom;

/// <summary>
/// Names the DICOM objects without pixels that a folder from a hospital holds beside its images (a CD's DICOMDIR,
/// reports, presentation states, key object selections, encapsulated PDFs, waveforms), so that a screening run can
/// say what such a file is instead of calling it broken. Recognised by SOP class (PS3.4 Annex B, PS3.10 for the
/// DICOMDIR): the dataset's SOP Class UID (0008,0016), else the file meta's Media Storage SOP Class UID (0002,0002).
/// </summary>
public static class NonImageObjects
{
    public const string MediaStorageDirectory = "1.2.840.10008.1.3.10";

    private const string Storage = "1.2.840.10008.5.1.4.1.1.";

    /// <summary>What the file is when it has no Pixel Data and its SOP class is a kind that never has any; else null.</summary>
    public static string? Describe(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Dataset[DicomTag.PixelData] is not null)
        {
            return null;
        }

        string? sopClass = file.Dataset.GetString(DicomTag.SopClassUid)?.Trim() is { Length: > 0 } own
            ? own
            : file.FileMeta.GetString(DicomTag.MediaStorageSopClassUid)?.Trim();
        return sopClass is null ? null : KindOf(sopClass) is { } kind ? $"{kind} (SOP class {sopClass})" : null;
    }

    /// <summary>The kind of object a non-image SOP class UID names, or null for any other class.</summary>
    public static string? KindOf(string sopClassUid)
    {
        ArgumentNullException.ThrowIfNull(sopClassUid);
        if (sopClassUid == MediaStorageDirectory)
        {
            return "a DICOMDIR, the index of a DICOM medium; its images are the files it lists";
        }

        if (!sopClassUid.StartsWith(Storage, StringComparison.Ordinal))
        {
            return null;
        }

        string rest = sopClassUid[Storage.Length..];
        return rest switch
        {
            "88.59" => "a key object selection document",
            _ when rest.StartsWith("88.", StringComparison.Ordinal) => "a structured report",
            _ when rest.StartsWith("11.", StringComparison.Ordinal) => "a presentation state",
            _ when rest.StartsWith("104.", StringComparison.Ordinal) => "an encapsulated document (PDF, CDA or similar)",
            _ when rest.StartsWith("9.", StringComparison.Ordinal) => "a waveform",
            "66" => "raw data",
            _ => null,
        };
    }
}
