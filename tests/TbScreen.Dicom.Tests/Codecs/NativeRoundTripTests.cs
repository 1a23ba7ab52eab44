using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Native;
using Xunit.Abstractions;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>Our encoders against our decoders on seeded synthetic frames with awkward (odd) sizes.</summary>
public sealed class NativeRoundTripTests(ITestOutputHelper output)
{
    public static TheoryData<int, bool> Depths => new()
    {
        { 8, false }, { 12, false }, { 16, false }, { 16, true }, { 12, true },
    };

    [Theory]
    [MemberData(nameof(Depths))]
    public void OpenJpeg_Lossless_IsBitExact(int bits, bool signed)
    {
        var info = CodecSamples.Gray(131, 257, bits, signed);
        int[] original = CodecSamples.Synthetic(info, seed: bits * 2 + (signed ? 1 : 0));
        var encoder = new OpenJpegEncoder();
        byte[] encoded = encoder.Encode(original, info);

        Assert.Equal("1.2.840.10008.1.2.4.90", encoder.TransferSyntaxUid);
        Assert.Equal([0xFF, 0x4F, 0xFF, 0x51], encoded[..4]);
        Assert.Equal(1, CodingStyle(encoded).Transform); // 5/3 reversible wavelet
        CodecSamples.Equal(original, CodecSamples.Stored(new OpenJpegDecoder().Decode(encoded, info), bits, signed));
    }

    [Theory]
    [MemberData(nameof(Depths))]
    public void CharLs_Lossless_IsBitExact(int bits, bool signed)
    {
        var info = CodecSamples.Gray(131, 257, bits, signed);
        int[] original = CodecSamples.Synthetic(info, seed: 100 + bits);
        var encoder = new CharLsEncoder();
        byte[] encoded = encoder.Encode(original, info);

        Assert.Equal("1.2.840.10008.1.2.4.80", encoder.TransferSyntaxUid);
        CodecSamples.Equal(original, CodecSamples.Stored(new CharLsDecoder().Decode(encoded, info), bits, signed));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(16)]
    public void CharLs_NearLossless2_StaysWithinTwo(int bits)
    {
        var info = CodecSamples.Gray(131, 257, bits, signed: false);
        int[] original = CodecSamples.Synthetic(info, seed: 200 + bits);
        var encoder = new CharLsEncoder(nearLossless: 2);
        byte[] encoded = encoder.Encode(original, info);
        int[] decoded = CodecSamples.Stored(new CharLsDecoder().Decode(encoded, info), bits, false);

        Assert.Equal("1.2.840.10008.1.2.4.81", encoder.TransferSyntaxUid);
        int maxDiff = original.Zip(decoded, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(maxDiff, 0, 2);
        Assert.True(encoded.Length < new CharLsEncoder().Encode(original, info).Length, "NEAR=2 should compress better than lossless");
    }

    /// <summary>
    /// Irreversible 9/7 at 10:1. The synthetic frame carries ±span/64 uniform noise, so the bound is
    /// RMSE below 2% of the full range; observed values are printed.
    /// </summary>
    [Theory]
    [InlineData(8, false)]
    [InlineData(12, false)]
    [InlineData(16, false)]
    [InlineData(16, true)]
    public void OpenJpeg_Lossy_HasBoundedRmse(int bits, bool signed)
    {
        var info = CodecSamples.Gray(131, 257, bits, signed);
        int[] original = CodecSamples.Synthetic(info, seed: 300 + bits);
        var encoder = new OpenJpegEncoder(lossless: false, compressionRatio: 10);
        byte[] encoded = encoder.Encode(original, info);
        int[] decoded = CodecSamples.Stored(new OpenJpegDecoder().Decode(encoded, info), bits, signed);

        double sum = 0;
        for (int i = 0; i < original.Length; i++)
        {
            double d = original[i] - decoded[i];
            sum += d * d;
        }

        double rmse = Math.Sqrt(sum / original.Length);
        double range = (1 << bits) - 1;
        int rawBytes = original.Length * (bits <= 8 ? 1 : 2);
        output.WriteLine($"{bits}-bit {(signed ? "signed" : "unsigned")}: {encoded.Length} bytes ({(double)rawBytes / encoded.Length:F1}:1), RMSE {rmse:F2} = {100 * rmse / range:F3}% of range");
        Assert.Equal("1.2.840.10008.1.2.4.91", encoder.TransferSyntaxUid);
        Assert.Equal(0, CodingStyle(encoded).Transform); // 9/7 irreversible wavelet
        Assert.True(rmse < 0.02 * range, $"RMSE {rmse:F2} is not below 2% of {range}");
        Assert.True(encoded.Length < rawBytes / 5, "lossy output should be much smaller than the raw frame");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ThreeComponents_RoundTripInEitherPlanarConfiguration(int planar)
    {
        var info = new FrameInfo(33, 45, 3, 8, 8, false, planar, "RGB");
        int[] original = CodecSamples.Synthetic(info, seed: 7 + planar);
        byte[] j2k = new OpenJpegEncoder().Encode(original, info);
        Assert.Equal(0, CodingStyle(j2k).Mct); // no colour transform, so RGB stays RGB
        CodecSamples.Equal(original, new OpenJpegDecoder().Decode(j2k, info));
        CodecSamples.Equal(original, new CharLsDecoder().Decode(new CharLsEncoder().Encode(original, info), info));
    }

    [Fact]
    public void CharLs_DecodesAnyInterleaveIntoTheRequestedLayout()
    {
        var planarInfo = new FrameInfo(20, 31, 3, 16, 12, false, 1, "RGB");
        var interleavedInfo = planarInfo with { PlanarConfiguration = 0 };
        int[] planar = CodecSamples.Synthetic(planarInfo, seed: 11);
        byte[] noneInterleaved = new CharLsEncoder().Encode(planar, planarInfo); // written with interleave mode none
        int[] asInterleaved = new CharLsDecoder().Decode(noneInterleaved, interleavedInfo);

        int pixels = 20 * 31;
        for (int p = 0; p < pixels; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(planar[c * pixels + p], asInterleaved[p * 3 + c]);
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 300)]
    [InlineData(7, 3)]
    public void TinyFrames_RoundTrip(int rows, int cols)
    {
        var info = CodecSamples.Gray(rows, cols, 12, signed: false);
        int[] original = CodecSamples.Synthetic(info, seed: rows * 1000 + cols);
        byte[] j2k = new OpenJpegEncoder().Encode(original, info);
        Assert.Equal(0, CodingStyle(j2k).Mct); // no colour transform, so RGB stays RGB
        CodecSamples.Equal(original, new OpenJpegDecoder().Decode(j2k, info));
        CodecSamples.Equal(original, new CharLsDecoder().Decode(new CharLsEncoder().Encode(original, info), info));
    }

    [Fact]
    public void Encoders_RejectSamplesOutsideBitsStored()
    {
        var info = CodecSamples.Gray(4, 4, 10, signed: false);
        int[] samples = new int[16];
        samples[5] = 1024;
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenJpegEncoder().Encode(samples, info));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CharLsEncoder().Encode(samples, info));
    }

    /// <summary>
    /// Reads the main-header COD segment: FF52 Lcod Scod | progression, layers(2), MCT |
    /// levels, cblk w, cblk h, cblk style, transform. Proves our parameter struct writes landed.
    /// </summary>
    private static (int Mct, int Transform) CodingStyle(byte[] codestream)
    {
        int cod = codestream.AsSpan().IndexOf([(byte)0xFF, (byte)0x52]);
        Assert.True(cod > 0, "no COD marker");
        return (codestream[cod + 8], codestream[cod + 13]);
    }
}
