using TbScreen.Dicom;

namespace TbScreen.Screening;

/// <summary>Finds a file's SOP Instance UID without decoding pixels, to look up a stored result before any inference.</summary>
public static class ImageIdentity
{
    /// <summary>The SOP Instance UID of a DICOM file, or null for PNG/JPEG, non-DICOM and unparsable bytes.</summary>
    public static string? PeekSopInstanceUid(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (RadiographFiles.IsRaster(bytes.AsSpan(0, Math.Min(8, bytes.Length))) || !DicomSniffer.IsDicom(bytes, bytes.Length))
        {
            return null;
        }

        try
        {
            return new DicomReader().Parse(bytes, "(peek)").Dataset.GetString(DicomTag.SopInstanceUid)?.Trim();
        }
        catch (DicomException)
        {
            return null;
        }
    }
}
