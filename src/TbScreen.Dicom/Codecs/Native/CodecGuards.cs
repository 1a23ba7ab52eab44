namespace TbScreen.Dicom.Codecs.Native;

/// <summary>Checks shared by the native codecs before they size any buffer from a FrameInfo.</summary>
internal static class CodecGuards
{
    /// <summary>Largest frame we hand to a native codec (2^30 samples, well above any radiograph).</summary>
    public const long MaxSamples = 1L << 30;

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
