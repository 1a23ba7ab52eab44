using TbScreen.Dicom.Codecs.Jpeg;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Codecs.Rle;

namespace TbScreen.Dicom.Codecs;

/// <summary>The codecs shipped with the reader, in one place so the CLI, tests and writer agree.</summary>
public static class BuiltInCodecs
{
    public static IEnumerable<IFrameDecoder> Decoders()
    {
        yield return new RleDecoder();
        yield return new JpegLosslessDecoder();
        yield return new JpegBaselineDecoder();
        yield return new OpenJpegDecoder();
        yield return new CharLsDecoder();
    }

    /// <summary>Codecs that hand back RGB for YBR photometric interpretations (the JPEG colour transform is part of the codec).</summary>
    public static bool DeliversRgb(string transferSyntaxUid) => transferSyntaxUid is
        TransferSyntax.JpegBaselineUid or TransferSyntax.JpegExtendedUid or TransferSyntax.Jpeg2000LosslessUid or TransferSyntax.Jpeg2000Uid;
}
