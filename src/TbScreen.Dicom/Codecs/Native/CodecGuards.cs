namespace TbScreen.Dicom.Codecs.Native;

/// <summary>Checks shared by the native codecs before they size any buffer from a FrameInfo.</summary>
internal static class CodecGuards
{
    /// <summary>
    /// Largest frame we hand to a native codec: 2^28 samples (16384 x 16384), far above any
    /// radiograph, and small enough that the 16-bit staging buffer stays under the .NET array limit.
    /// </summary>
    public const long MaxSamples = 1L << 28;

    public static void CheckFrameInfo(FrameInfo info, string codec, int maxSamples)
    {
        if (info.Rows <= 0 || info.Columns <= 0 || info.SamplesPerPixel <= 0 || info.SamplesPerPixel > maxSamples)
        {
            throw new DicomException(
                $"{codec}: invalid frame geometry {info.Columns}x{info.Rows}x{info.SamplesPerPixel}");
        }

        if (info.SampleCount > MaxSamples)
        {
            throw new DicomException($"{codec}: frame of {info.SampleCount} samples is too large");
        }
    }
}
