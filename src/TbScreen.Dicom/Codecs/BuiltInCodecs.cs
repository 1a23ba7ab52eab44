using TbScreen.Dicom.Codecs.Isolation;
using TbScreen.Dicom.Codecs.Jpeg;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Codecs.Rle;
using TbScreen.Dicom.Codecs.Uncompressed;

namespace TbScreen.Dicom.Codecs;

/// <summary>The codecs shipped with the reader, in one place so the CLI, tests and writer agree.</summary>
public static class BuiltInCodecs
{
    /// <param name="nativeHost">When given, JPEG 2000, JPEG-LS and JPEG XL decode in its host processes; the managed codecs stay in process.</param>
    public static IEnumerable<IFrameDecoder> Decoders(CodecHostClient? nativeHost = null)
    {
        yield return new RleDecoder();
        yield return new JpegLosslessDecoder();
        yield return new JpegBaselineDecoder();
        yield return Native(new OpenJpegDecoder(), "JPEG 2000", nativeHost);
        yield return Native(new CharLsDecoder(), "JPEG-LS", nativeHost);
        yield return Native(new JpegXlDecoder(), "JPEG XL", nativeHost);
        yield return new EncapsulatedUncompressedDecoder();
    }

    /// <summary>Codecs that hand back RGB for YBR photometric interpretations (the JPEG colour transform is part of the codec).</summary>
    public static bool DeliversRgb(string transferSyntaxUid) => transferSyntaxUid is
        TransferSyntax.JpegBaselineUid or TransferSyntax.JpegExtendedUid or TransferSyntax.Jpeg2000LosslessUid or TransferSyntax.Jpeg2000Uid
        or TransferSyntax.HtJpeg2000LosslessUid or TransferSyntax.HtJpeg2000RpclLosslessUid or TransferSyntax.HtJpeg2000Uid
        or TransferSyntax.JpegXlLosslessUid or TransferSyntax.JpegXlJpegRecompressionUid or TransferSyntax.JpegXlUid;

    private static IFrameDecoder Native(IFrameDecoder inProcess, string codecName, CodecHostClient? host) =>
        host is null ? inProcess : new IsolatedFrameDecoder(host, inProcess, codecName);
}
