using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Jpeg;

namespace TbScreen.Dicom.Tests.Codecs;

public class JpegBaselineTests
{
    [Fact]
    public void GrayscaleEncodeDecodeIsClose()
    {
        int[] pixels = SyntheticImage.Create(101, 67, 8, seed: 11).Select(v => v).ToArray();
        FrameInfo info = SyntheticImage.Info(101, 67, 8);
        var encoder = new JpegBaselineEncoder(quality: 95);

        byte[] jpeg = encoder.Encode(pixels, info);
        int[] decoded = new JpegBaselineDecoder().Decode(jpeg, info);

        Assert.Equal(TransferSyntax.JpegBaselineUid, encoder.TransferSyntaxUid);
        Assert.Equal(pixels.Length, decoded.Length);
        Assert.All(decoded, v => Assert.InRange(v, 0, 255));
        double meanAbs = pixels.Zip(decoded, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanAbs < 3, $"mean |diff| {meanAbs}");
    }

    [Fact]
    public void FlatImageSurvivesExactly()
    {
        int[] pixels = Enumerable.Repeat(77, 16 * 9).ToArray();
        FrameInfo info = SyntheticImage.Info(16, 9, 8);
        byte[] jpeg = new JpegBaselineEncoder().Encode(pixels, info);
        Assert.Equal(pixels, new JpegBaselineDecoder().Decode(jpeg, info));
    }

    /// <summary>
    /// dcmcjpeg +eb streams (YCbCr, 4:2:2 and 4:4:4) against dcmdjpeg's RGB output: with
    /// YBR_FULL* we must convert to RGB as dcmtk does. IDCT and chroma upsampling differ a little.
    /// </summary>
    [Theory]
    [InlineData("rgb_422", "YBR_FULL_422", 6)]
    [InlineData("rgb_444", "YBR_FULL", 3)]
    public void ColourStreamsMatchDcmtkRgb(string name, string photometric, int tolerance)
    {
        byte[] jpeg = File.ReadAllBytes(CodecFixtures.PathOf("jpeg-baseline", name + ".jpg"));
        int[] expected = CodecFixtures.ReadU16(CodecFixtures.PathOf("jpeg-baseline", name + ".u16le"));
        var info = new FrameInfo(23, 37, 3, 8, 8, false, 0, photometric);

        int[] decoded = new JpegBaselineDecoder().Decode(jpeg, info);

        Assert.Equal(expected.Length, decoded.Length);
        int max = expected.Zip(decoded, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(max <= tolerance, $"max |diff| {max}");
    }

    [Fact]
    public void RgbPhotometricIsNotColourConverted()
    {
        byte[] jpeg = File.ReadAllBytes(CodecFixtures.PathOf("jpeg-baseline", "rgb_444.jpg"));
        var ybr = new FrameInfo(23, 37, 3, 8, 8, false, 0, "YBR_FULL");
        var rgb = ybr with { PhotometricInterpretation = "RGB" };

        int[] raw = new JpegBaselineDecoder().Decode(jpeg, rgb);
        int[] converted = new JpegBaselineDecoder().Decode(jpeg, ybr);

        // Raw output keeps the chroma planes near 128 for these muted colours; converted does not.
        Assert.NotEqual(raw, converted);
        Assert.Equal(raw.Length, converted.Length);
    }

    [Fact]
    public void LosslessStreamLabelledBaselineIsStillDecoded()
    {
        int[] pixels = SyntheticImage.Create(30, 10, 8, seed: 4);
        FrameInfo info = SyntheticImage.Info(30, 10, 8);
        byte[] jpeg = new JpegLosslessEncoder(3).Encode(pixels, info);
        Assert.Equal(pixels, new JpegBaselineDecoder().Decode(jpeg, info));
    }

    [Fact]
    public void DimensionMismatchIsDicomException()
    {
        int[] pixels = new int[16 * 8];
        byte[] jpeg = new JpegBaselineEncoder().Encode(pixels, SyntheticImage.Info(16, 8, 8));
        Assert.Throws<DicomException>(() => new JpegBaselineDecoder().Decode(jpeg, SyntheticImage.Info(8, 16, 8)));
    }
}
