using System.Diagnostics;
using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Jpeg;
using Xunit.Abstractions;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>Decodes frame 1 of the shared WG-04 / pydicom / fo-dicom files against refs/*.raw.</summary>
public class JpegSharedDataTests(ITestOutputHelper output)
{
    private static readonly FrameInfo Rg3 = new(1760, 1760, 1, 16, 10, false, 0, "MONOCHROME1");

    [Fact]
    public void Rg3LosslessMatchesReferenceQuickly()
    {
        byte[] jpeg = EncapsulatedFrames.FirstFrame(Path.Combine(SharedData.DicomDir, "RG3_JPLL.dcm"));
        int[] expected = SharedData.ReadU16(Path.Combine(SharedData.DicomDir, "refs", "RG3_UNC.u16le.raw"));
        var decoder = new JpegLosslessDecoder();
        decoder.Decode(jpeg, Rg3); // warm up the JIT

        var watch = Stopwatch.StartNew();
        int[] decoded = decoder.Decode(jpeg, Rg3);
        watch.Stop();
        output.WriteLine($"RG3_JPLL 1760x1760 decode: {watch.Elapsed.TotalMilliseconds:F1} ms");

        Assert.Equal(expected, decoded.Select(v => v & 0x3FF));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"decode took {watch.Elapsed}");
    }

    [Fact]
    public void Ultrasound8BitLosslessMatchesReference()
    {
        byte[] jpeg = EncapsulatedFrames.FirstFrame(Path.Combine(SharedData.DicomDir, "JPGLosslessP14SV1_1s_1f_8b.dcm"));
        int[] expected = SharedData.ReadU16(Path.Combine(SharedData.DicomDir, "refs", "JPGLosslessP14SV1_1s_1f_8b.u16le.raw"));
        var info = new FrameInfo(768, 1024, 1, 8, 8, false, 0, "MONOCHROME2");

        int[] decoded = new JpegLosslessDecoder().Decode(jpeg, info);

        Assert.Equal(expected, decoded.Select(v => v & 0xFF));
    }

    [Fact]
    public void Rg3Extended12BitLossyIsCloseToReference()
    {
        byte[] jpeg = EncapsulatedFrames.FirstFrame(Path.Combine(SharedData.DicomDir, "RG3_JPLY.dcm"));
        int[] expected = SharedData.ReadU16(Path.Combine(SharedData.DicomDir, "refs", "RG3_JPLY.u16le.raw"));

        int[] decoded = new JpegBaselineDecoder().Decode(jpeg, Rg3);

        (double rmse, int maxDiff, int exact) = Compare(expected, decoded.Select(v => v & 0x3FF).ToArray());
        output.WriteLine($"RG3_JPLY: RMSE {rmse:F3}, max |diff| {maxDiff}, exact {exact}/{expected.Length}");
        Assert.True(rmse < 1.0, $"RMSE {rmse}");
        Assert.True(exact > expected.Length * 0.9, $"only {exact} exact");
    }

    [Fact]
    public void FragmentedBaselineFrame1IsCloseToReference()
    {
        byte[] jpeg = EncapsulatedFrames.FirstFrame(Path.Combine(SharedData.DicomDir, "HasFragmentSequence.dcm"));
        int[] expected = SharedData.ReadU16(Path.Combine(SharedData.DicomDir, "refs", "HasFragmentSequence.u16le.raw"));
        var info = new FrameInfo(512, 512, 1, 8, 8, false, 0, "MONOCHROME2");

        int[] decoded = new JpegBaselineDecoder().Decode(jpeg, info);

        (double rmse, int maxDiff, _) = Compare(expected, decoded);
        output.WriteLine($"HasFragmentSequence frame 1: RMSE {rmse:F3}, max |diff| {maxDiff}");
        Assert.True(maxDiff <= 2, $"max diff {maxDiff}");
        Assert.True(rmse < 1.0, $"RMSE {rmse}");
    }

    private static (double Rmse, int MaxDiff, int Exact) Compare(int[] expected, int[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double sum = 0;
        int max = 0;
        int exact = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(expected[i] - actual[i]);
            sum += (double)d * d;
            max = Math.Max(max, d);
            exact += d == 0 ? 1 : 0;
        }

        return (Math.Sqrt(sum / expected.Length), max, exact);
    }
}
