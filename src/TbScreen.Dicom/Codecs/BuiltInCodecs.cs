using TbScreen.Dicom.Codecs.Rle;

namespace TbScreen.Dicom.Codecs;

/// <summary>The codecs shipped with the reader, in one place so the CLI, tests and writer agree.</summary>
public static class BuiltInCodecs
{
    public static IEnumerable<IFrameDecoder> Decoders()
    {
        yield return new RleDecoder();
    }
}
