using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Jpeg;

namespace TbScreen.Dicom.Tests.Codecs;

public class JpegLosslessRoundTripTests
{
    private const int Width = 257;
    private const int Height = 131;

    public static TheoryData<int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int predictor in new[] { 1, 2, 3, 4, 5, 6, 7 })
        {
            foreach (int bits in new[] { 8, 12, 16 })
            {
                // no restarts; restarts every 3 rows (libjpeg style); restarts in mid-row
                foreach (int restart in new[] { 0, 3 * Width, 100 })
                {
                    data.Add(predictor, bits, restart);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodeThenDecodeIsBitExact(int predictor, int bits, int restartInterval)
    {
        int[] pixels = SyntheticImage.Create(Width, Height, bits, seed: (predictor * 100) + bits);
        FrameInfo info = SyntheticImage.Info(Width, Height, bits);
        var encoder = new JpegLosslessEncoder(predictor, restartInterval: restartInterval);

        byte[] jpeg = encoder.Encode(pixels, info);
        int[] decoded = new JpegLosslessDecoder().Decode(jpeg, info);

        Assert.Equal(pixels, decoded);
        Assert.Equal(predictor == 1 ? TransferSyntax.JpegLosslessSv1Uid : TransferSyntax.JpegLosslessUid, encoder.TransferSyntaxUid);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(16)]
    public void ExtremePrecisionsRoundTrip(int bits)
    {
        int[] pixels = SyntheticImage.Create(33, 9, bits, seed: bits);
        FrameInfo info = SyntheticImage.Info(33, 9, bits);
        byte[] jpeg = new JpegLosslessEncoder(6).Encode(pixels, info);
        Assert.Equal(pixels, new JpegLosslessDecoder().Decode(jpeg, info));
    }

    [Fact]
    public void EveryDifferenceCategoryIncluding16RoundTrips()
    {
        // Alternating 0 / 32768 / 65535 forces differences of every size, and +-32768 (category 16).
        int[] pixels = new int[64 * 4];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (i % 3) switch { 0 => 0, 1 => 32768, _ => (1 << (i % 17)) - 1 };
        }

        FrameInfo info = SyntheticImage.Info(64, 4, 16);
        for (int predictor = 1; predictor <= 7; predictor++)
        {
            byte[] jpeg = new JpegLosslessEncoder(predictor).Encode(pixels, info);
            Assert.Equal(pixels, new JpegLosslessDecoder().Decode(jpeg, info));
        }
    }

    [Fact]
    public void PointTransformDropsLowBitsOnly()
    {
        int[] pixels = SyntheticImage.Create(41, 17, 12, seed: 5);
        FrameInfo info = SyntheticImage.Info(41, 17, 12);
        byte[] jpeg = new JpegLosslessEncoder(7, pointTransform: 2).Encode(pixels, info);

        int[] decoded = new JpegLosslessDecoder().Decode(jpeg, info);

        Assert.Equal(pixels.Select(v => (v >> 2) << 2), decoded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ThreeComponentsInterleavedRoundTrip(int planar)
    {
        FrameInfo info = SyntheticImage.Info(45, 21, 8, samplesPerPixel: 3, planar: planar);
        int[] pixels = SyntheticImage.Create(45, 21, 8, samplesPerPixel: 3, seed: 9);
        byte[] jpeg = new JpegLosslessEncoder(4, restartInterval: 45).Encode(pixels, info);
        int[] decoded = new JpegLosslessDecoder().Decode(jpeg, info);
        Assert.Equal(pixels, decoded);
    }
}
