using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Jpeg;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Tests.Fixtures;
using Xunit.Abstractions;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// JPEG XL (transfer syntaxes .110, .111, .112) made by libjxl's reference encoder cjxl and wrapped in DICOM by our
/// writer; decoded through our libjxl binding, in process and in the codec host.
/// </summary>
public sealed class JpegXlTests(ITestOutputHelper output) : IDisposable
{
    private readonly PixelDataDecoder _isolated = PixelDataDecoder.Isolated();

    public static TheoryData<int> UnsignedVariants() => [.. FixtureFactory.UnsignedVariantIndices()];

    public void Dispose() => _isolated.Dispose();

    [SkippableTheory]
    [MemberData(nameof(UnsignedVariants))]
    public void Lossless_codestreams_decode_to_the_exact_stored_values(int variant)
    {
        Cjxl.Require();
        var spec = FixtureFactory.PixelVariants().ElementAt(variant);
        var (bytes, stored) = FixtureFactory.Write(TransferSyntax.JpegXlLosslessUid, new CjxlEncoder(TransferSyntax.JpegXlLosslessUid), spec);
        var file = new DicomReader().Parse(bytes, "jxl.dcm");

        var frame = PixelDataDecoder.Default.DecodeStoredFrame(file);

        Assert.Equal(TransferSyntax.JpegXlLosslessUid, file.TransferSyntax.Uid);
        Assert.Equal(spec.Photometric, frame.Pixels.PhotometricInterpretation);
        Assert.Equal(stored, frame.Values);
    }

    [SkippableTheory]
    [InlineData(1, 8)]
    [InlineData(1, 10)]
    [InlineData(1, 14)]
    [InlineData(3, 8)]
    [InlineData(3, 16)]
    public void Every_precision_and_colour_decodes_exactly_at_the_codec(int samplesPerPixel, int bits)
    {
        Cjxl.Require();
        var info = new FrameInfo(41, 29, samplesPerPixel, bits <= 8 ? 8 : 16, bits, false, 0, samplesPerPixel == 1 ? "MONOCHROME2" : "RGB");
        int[] samples = CodecSamples.Synthetic(info, seed: bits);

        CodecSamples.Equal(samples, new JpegXlDecoder().Decode(Cjxl.Compress(samples, info), info));
    }

    /// <summary>Lossy (VarDCT) coding: our binding must agree with libjxl's own djxl, and stay close to the source.</summary>
    [SkippableFact]
    public void Lossy_codestreams_decode_as_djxl_does()
    {
        Cjxl.Require();
        var spec = new SampleSpec(96, 80, BitsStored: 12, Seed: 42, Photometric: "MONOCHROME1");
        var (bytes, stored) = FixtureFactory.Write(TransferSyntax.JpegXlUid, new CjxlEncoder(TransferSyntax.JpegXlUid, distance: 1), spec);
        var file = new DicomReader().Parse(bytes, "jxl-lossy.dcm");
        var (reference, maxValue) = Cjxl.Expand(FirstFrame(file));

        int[] decoded = PixelDataDecoder.Default.DecodeStoredFrame(file).Values;

        int maxFromReference = reference.Zip(decoded, (a, b) => Math.Abs(a - b)).Max();
        double rmseFromSource = Math.Sqrt(stored.Zip(decoded, (a, b) => (double)(a - b) * (a - b)).Average());
        output.WriteLine($"djxl maxval {maxValue}; max |ours - djxl| = {maxFromReference}; RMSE from the source {rmseFromSource:F2} of 4095");
        Assert.Equal(4095, maxValue);
        Assert.True(maxFromReference <= 1, $"our decode and djxl's differ by {maxFromReference} grey levels");
        Assert.InRange(rmseFromSource, 0.01, 0.02 * 4095); // really lossy, and still the image
    }

    /// <summary>
    /// .111 carries a JPEG re-coded without loss of its DCT coefficients: its pixels are djxl's, and the JPEG's to
    /// within the rounding of two different inverse DCTs (libjxl's is more precise than libjpeg-style integer ones).
    /// </summary>
    [SkippableFact]
    public void A_recompressed_JPEG_decodes_to_the_JPEG_pixels()
    {
        Cjxl.Require();
        var spec = new SampleSpec(64, 72, BitsAllocated: 8, BitsStored: 8, Seed: 9);
        var (jpegFile, _) = FixtureFactory.Write(TransferSyntax.JpegBaselineUid, new JpegBaselineEncoder(quality: 85), spec);
        var fromJpeg = PixelDataDecoder.Default.DecodeStoredFrame(new DicomReader().Parse(jpegFile, "jpeg.dcm")).Values;
        var (recompressedFile, _) = FixtureFactory.Write(TransferSyntax.JpegXlJpegRecompressionUid, new RecompressedJpegEncoder(), spec);
        var recompressed = new DicomReader().Parse(recompressedFile, "jxl-jpeg.dcm");

        var fromJxl = PixelDataDecoder.Default.DecodeStoredFrame(recompressed).Values;

        var (reference, _) = Cjxl.Expand(FirstFrame(recompressed));
        int maxFromDjxl = reference.Zip(fromJxl, (a, b) => Math.Abs(a - b)).Max();
        int maxFromJpeg = fromJpeg.Zip(fromJxl, (a, b) => Math.Abs(a - b)).Max();
        double meanFromJpeg = fromJpeg.Zip(fromJxl, (a, b) => (double)Math.Abs(a - b)).Average();
        output.WriteLine($"max |ours - djxl| = {maxFromDjxl}; |libjxl - our JPEG decoder| max {maxFromJpeg}, mean {meanFromJpeg:F3}");
        Assert.Equal(0, maxFromDjxl);
        Assert.True(maxFromJpeg <= 4 && meanFromJpeg < 0.5, $"the recompressed JPEG decodes up to {maxFromJpeg} (mean {meanFromJpeg:F3}) grey levels away from the JPEG");
    }

    [SkippableFact]
    public void The_codec_host_decodes_them_to_the_in_process_pixels()
    {
        Cjxl.Require();
        var (bytes, stored) = FixtureFactory.Write(TransferSyntax.JpegXlLosslessUid, new CjxlEncoder(TransferSyntax.JpegXlLosslessUid), new SampleSpec(97, 131, Seed: 5));

        var outOfProcess = _isolated.DecodeStoredFrame(new DicomReader().Parse(bytes, "jxl.dcm"));

        Assert.True(_isolated.IsolatesNativeCodecs);
        Assert.Equal(stored, outOfProcess.Values);
    }

    [SkippableFact]
    public void A_radiograph_reads_as_its_uncompressed_twin_does()
    {
        Cjxl.Require();
        FixtureFactory.AssertReadsAsNativeTwin(TransferSyntax.JpegXlLosslessUid, new CjxlEncoder(TransferSyntax.JpegXlLosslessUid));
    }

    [SkippableFact]
    public void Signed_frames_are_refused_with_the_reason()
    {
        Cjxl.Require();
        // The samples' two's complement bit patterns, coded as unsigned: the only way a JPEG XL codestream can hold them.
        var spec = new SampleSpec(37, 53, BitsStored: 12, Signed: true, Seed: 14);
        var (bytes, _) = FixtureFactory.Write(TransferSyntax.JpegXlLosslessUid, new BitPatternEncoder(), spec);
        var file = new DicomReader().Parse(bytes, "signed-jxl.dcm");

        var ex = Assert.Throws<UnsupportedTransferSyntaxException>(() => PixelDataDecoder.Default.DecodeStoredFrame(file));

        Assert.Equal(TransferSyntax.JpegXlLosslessUid, ex.TransferSyntaxUid);
        Assert.Equal("signed-jxl.dcm", ex.FilePath);
        Assert.Contains("signed JPEG XL samples", ex.Message);
    }

    [SkippableFact]
    public void A_codestream_that_does_not_match_the_header_is_refused_naming_both()
    {
        Cjxl.Require();
        var info = CodecSamples.Gray(40, 30, 12, signed: false);
        byte[] codestream = Cjxl.Compress(CodecSamples.Synthetic(info, seed: 3), info);

        var ex = Assert.Throws<DicomException>(() => new JpegXlDecoder().Decode(codestream, info with { Rows = 41 }));

        Assert.Equal("JPEG XL: codestream is 30x40x1, but the DICOM header says 30x41x1", ex.Reason);
        Assert.Equal("JPEG XL: the codestream is corrupt or not JPEG XL", Assert.Throws<DicomException>(() => new JpegXlDecoder().Decode("not a codestream"u8, info)).Reason);
        // libjxl calls a cut codestream either truncated or corrupt, depending on where the cut falls.
        Assert.StartsWith("JPEG XL: the codestream is ", Assert.Throws<DicomException>(() => new JpegXlDecoder().Decode(codestream.AsSpan(0, codestream.Length / 2), info)).Reason);
    }

    /// <summary>libjxl is C++: damage must end in a DicomException, never a crash or another exception type.</summary>
    [SkippableFact]
    public void Damaged_codestreams_only_ever_throw_DicomException()
    {
        Cjxl.Require();
        var info = CodecSamples.Gray(80, 97, 12, signed: false);
        byte[] valid = Cjxl.Compress(CodecSamples.Synthetic(info, seed: 1), info);
        const int mutations = 400;
        int rejected = NativeCorruptionTests.RejectedDamage(new JpegXlDecoder(), valid, info, seed: 110, mutations, headerBias: 40);

        output.WriteLine($"{valid.Length}-byte codestream: {rejected} of {mutations} mutations and the truncations rejected");
        Assert.True(rejected > 0);
    }

    [Fact]
    public void The_transfer_syntaxes_are_known_encapsulated_and_decoded_by_libjxl()
    {
        var decoders = new JpegXlDecoder().TransferSyntaxUids;
        foreach (var (uid, lossy) in new[] { (TransferSyntax.JpegXlLosslessUid, false), (TransferSyntax.JpegXlJpegRecompressionUid, true), (TransferSyntax.JpegXlUid, true) })
        {
            var syntax = TransferSyntax.Lookup(uid);
            Assert.True(syntax.Encapsulated && syntax.ExplicitVr && !syntax.BigEndian);
            Assert.Equal(lossy, syntax.Lossy);
            Assert.Contains(uid, decoders);
            Assert.True(BuiltInCodecs.DeliversRgb(uid)); // libjxl returns RGB for colour, whatever its internal colour space
        }
    }

    private static byte[] FirstFrame(DicomFile file) =>
        FrameSplitter.GetFrame(file.Dataset, file.Dataset[DicomTag.PixelData]!, 0, file.Dataset.GetInt(DicomTag.NumberOfFrames) ?? 1);

    private sealed class BitPatternEncoder : IFrameEncoder
    {
        public string TransferSyntaxUid => TransferSyntax.JpegXlLosslessUid;

        public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info)
        {
            int mask = (1 << info.BitsStored) - 1;
            var patterns = samples.ToArray().Select(v => v & mask).ToArray();
            return Cjxl.Compress(patterns, info with { IsSigned = false });
        }
    }

    /// <summary>Our baseline JPEG, re-coded by cjxl: what a .111 file holds.</summary>
    private sealed class RecompressedJpegEncoder : IFrameEncoder
    {
        public string TransferSyntaxUid => TransferSyntax.JpegXlJpegRecompressionUid;

        public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info) => Cjxl.RecompressJpeg(new JpegBaselineEncoder(quality: 85).Encode(samples, info));
    }
}
