using TbScreen.Dicom.Tests.TestData;
using System.Diagnostics;
using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Native;
using Xunit.Abstractions;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>Decodes the NEMA WG-04 files in ../shared and compares with the independent references.</summary>
public sealed class NativeSharedFileTests(ITestOutputHelper output)
{
    private static readonly FrameInfo Rg3 = new(1760, 1760, 1, 16, 10, false, 0, "MONOCHROME1");
    private static readonly FrameInfo Rg1 = new(1955, 1841, 1, 16, 15, false, 0, "MONOCHROME1");

    [SkippableFact]
    public void Rg3J2kr_Lossless_MatchesUncompressedReference()
    {
        int[] decoded = Decode(new OpenJpegDecoder(), "RG3_J2KR.dcm", Rg3);
        CodecSamples.Equal(SharedDicomData.ReadReference("refs/RG3_UNC.u16le.raw", signed: false), CodecSamples.Stored(decoded, 10, false));
    }

    [SkippableFact]
    public void Rg3Jlsl_Lossless_MatchesUncompressedReference()
    {
        int[] decoded = Decode(new CharLsDecoder(), "RG3_JLSL.dcm", Rg3);
        CodecSamples.Equal(SharedDicomData.ReadReference("refs/RG3_UNC.u16le.raw", signed: false), CodecSamples.Stored(decoded, 10, false));
    }

    /// <summary>
    /// The reference was made by gdcm/opj_decompress on the same OpenJPEG library, so we expect
    /// an identical decode. Tolerance: at most 1 grey level on any sample (15-bit data), which
    /// only a different build of the 9/7 float path could produce.
    /// </summary>
    [SkippableFact]
    public void Rg1J2ki_Lossy_MatchesReferenceWithinOneLevel()
    {
        const int tolerance = 1;
        int[] decoded = CodecSamples.Stored(Decode(new OpenJpegDecoder(), "RG1_J2KI.dcm", Rg1), 15, false);
        int[] reference = SharedDicomData.ReadReference("refs/RG1_J2KI.u16le.raw", signed: false);
        Assert.Equal(reference.Length, decoded.Length);
        int maxDiff = 0, differing = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            int d = Math.Abs(reference[i] - decoded[i]);
            maxDiff = Math.Max(maxDiff, d);
            differing += d == 0 ? 0 : 1;
        }

        output.WriteLine($"RG1_J2KI: {differing} samples differ, max |diff| = {maxDiff}");
        Assert.True(maxDiff <= tolerance, $"max |diff| {maxDiff} exceeds {tolerance} ({differing} samples differ)");
    }

    [SkippableFact]
    public void Rg3J2kr_WithWrongDicomGeometry_IsRejectedBeforeDecoding()
    {
        byte[] frame = SharedFrames.FirstFrame("RG3_J2KR.dcm");
        var ex = Assert.Throws<DicomException>(() => new OpenJpegDecoder().Decode(frame, Rg3 with { Rows = 1759 }));
        Assert.Null(ex.FilePath);
        Assert.Contains("1760", ex.Message);
    }

    private int[] Decode(IFrameDecoder decoder, string file, FrameInfo info)
    {
        byte[] frame = SharedFrames.FirstFrame(file);
        decoder.Decode(frame, info); // warm-up: library load and JIT
        var clock = Stopwatch.StartNew();
        int[] decoded = decoder.Decode(frame, info);
        output.WriteLine($"{file}: {frame.Length} bytes decoded in {clock.Elapsed.TotalMilliseconds:F1} ms");
        return decoded;
    }
}
