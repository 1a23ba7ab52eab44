using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Tests.Fixtures;
using Xunit.Abstractions;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// High-Throughput JPEG 2000 (ISO 15444-15; transfer syntaxes .201, .202, .203) made by OpenJPH's encoder, an
/// implementation independent of the OpenJPEG we decode with, and wrapped in DICOM by our writer.
/// </summary>
public sealed class HighThroughputJpeg2000Tests(ITestOutputHelper output) : IDisposable
{
    private readonly PixelDataDecoder _isolated = PixelDataDecoder.Isolated();

    public static TheoryData<string, int> LosslessCases()
    {
        var data = new TheoryData<string, int>();
        foreach (string uid in new[] { TransferSyntax.HtJpeg2000LosslessUid, TransferSyntax.HtJpeg2000RpclLosslessUid, TransferSyntax.HtJpeg2000Uid })
        {
            foreach (int variant in FixtureFactory.UnsignedVariantIndices())
            {
                data.Add(uid, variant);
            }
        }

        return data;
    }

    public void Dispose() => _isolated.Dispose();

    [SkippableTheory]
    [MemberData(nameof(LosslessCases))]
    public void Reversible_codestreams_decode_to_the_exact_stored_values(string transferSyntaxUid, int variant)
    {
        OpenJph.Require();
        var spec = FixtureFactory.PixelVariants().ElementAt(variant);
        var (bytes, stored) = FixtureFactory.Write(transferSyntaxUid, new OpenJphEncoder(transferSyntaxUid), spec);

        var file = new DicomReader().Parse(bytes, "htj2k.dcm");
        Assert.True(OpenJpegDecoder.IsHighThroughput(FirstFrame(file)), "OpenJPH wrote a Part 15 codestream");
        var frame = PixelDataDecoder.Default.DecodeStoredFrame(file);

        Assert.Equal(transferSyntaxUid, file.TransferSyntax.Uid);
        Assert.Equal(spec.Photometric, frame.Pixels.PhotometricInterpretation);
        Assert.Equal(spec.Signed, frame.Pixels.IsSigned);
        Assert.Equal(stored, frame.Values);
    }

    /// <summary>
    /// OpenJPEG 2.5.0 loses the sign of negative HT samples (OpenJPH's decoder gets them back), so signed frames
    /// are refused, naming the file's transfer syntax and the reason, instead of being screened with wrong pixels.
    /// </summary>
    [SkippableFact]
    public void Signed_frames_are_refused_with_the_reason()
    {
        OpenJph.Require();
        var spec = new SampleSpec(37, 53, BitsStored: 12, Signed: true, Seed: 14);
        var (bytes, stored) = FixtureFactory.Write(TransferSyntax.HtJpeg2000LosslessUid, new OpenJphEncoder(TransferSyntax.HtJpeg2000LosslessUid), spec);
        var file = new DicomReader().Parse(bytes, "signed-htj2k.dcm");
        Assert.Contains(stored, v => v < 0);

        var ex = Assert.Throws<UnsupportedTransferSyntaxException>(() => PixelDataDecoder.Default.DecodeStoredFrame(file));

        Assert.Equal(TransferSyntax.HtJpeg2000LosslessUid, ex.TransferSyntaxUid);
        Assert.Equal("signed-htj2k.dcm", ex.FilePath);
        Assert.Contains("signed High-Throughput JPEG 2000", ex.Message);
        Assert.Equal(stored, OpenJph.ExpandSigned(FirstFrame(file), stored.Length)); // the fixture itself is sound
    }

    /// <summary>Irreversible (9/7) coding: OpenJPEG must agree with OpenJPH's own decoder, within one grey level.</summary>
    [SkippableFact]
    public void Irreversible_codestreams_decode_as_the_independent_decoder_does()
    {
        OpenJph.Require();
        var spec = new SampleSpec(96, 80, BitsStored: 12, Seed: 42, Photometric: "MONOCHROME1");
        var (bytes, stored) = FixtureFactory.Write(TransferSyntax.HtJpeg2000Uid, new OpenJphEncoder(TransferSyntax.HtJpeg2000Uid, qstep: 0.01), spec);
        var file = new DicomReader().Parse(bytes, "htj2k-lossy.dcm");
        int[] reference = OpenJph.Expand(FirstFrame(file));

        int[] decoded = PixelDataDecoder.Default.DecodeStoredFrame(file).Values;

        int maxFromReference = reference.Zip(decoded, (a, b) => Math.Abs(a - b)).Max();
        double rmseFromSource = Math.Sqrt(stored.Zip(decoded, (a, b) => (double)(a - b) * (a - b)).Average());
        output.WriteLine($"max |OpenJPEG - OpenJPH| = {maxFromReference}; RMSE from the source {rmseFromSource:F2} of 4095");
        Assert.True(maxFromReference <= 1, $"OpenJPEG and OpenJPH differ by {maxFromReference} grey levels");
        Assert.InRange(rmseFromSource, 0.01, 0.02 * 4095); // really lossy, and still the image
    }

    [SkippableFact]
    public void The_codec_host_decodes_them_to_the_in_process_pixels()
    {
        OpenJph.Require();
        var (bytes, stored) = FixtureFactory.Write(TransferSyntax.HtJpeg2000LosslessUid, new OpenJphEncoder(TransferSyntax.HtJpeg2000LosslessUid), new SampleSpec(97, 131, Seed: 5));
        var file = new DicomReader().Parse(bytes, "htj2k.dcm");

        var outOfProcess = _isolated.DecodeStoredFrame(file);

        Assert.True(_isolated.IsolatesNativeCodecs);
        Assert.Equal(stored, outOfProcess.Values);
    }

    [SkippableFact]
    public void A_radiograph_reads_as_its_uncompressed_twin_does()
    {
        OpenJph.Require();
        FixtureFactory.AssertReadsAsNativeTwin(TransferSyntax.HtJpeg2000RpclLosslessUid, new OpenJphEncoder(TransferSyntax.HtJpeg2000RpclLosslessUid));
    }

    /// <summary>OpenJPEG's HT block decoder is newer code than its J2K one: damage must end in a DicomException.</summary>
    [SkippableFact]
    public void Damaged_codestreams_only_ever_throw_DicomException()
    {
        OpenJph.Require();
        var info = CodecSamples.Gray(80, 97, 12, signed: false);
        byte[] valid = OpenJph.Compress(CodecSamples.Synthetic(info, seed: 1), info);
        const int mutations = 400;
        int rejected = NativeCorruptionTests.RejectedDamage(new OpenJpegDecoder(), valid, info, seed: 201, mutations, headerBias: 200);

        output.WriteLine($"{valid.Length}-byte codestream: {rejected} of {mutations} mutations and the truncations rejected");
        Assert.True(rejected > 0);
    }

    [SkippableFact]
    public void Part_15_codestreams_are_told_apart_from_Part_1_ones()
    {
        OpenJph.Require();
        var info = CodecSamples.Gray(40, 30, 12, signed: false);
        int[] samples = CodecSamples.Synthetic(info, seed: 3);

        Assert.True(OpenJpegDecoder.IsHighThroughput(OpenJph.Compress(samples, info)));
        Assert.False(OpenJpegDecoder.IsHighThroughput(new OpenJpegEncoder().Encode(samples, info)));
    }

    private static byte[] FirstFrame(DicomFile file) =>
        FrameSplitter.GetFrame(file.Dataset, file.Dataset[DicomTag.PixelData]!, 0, file.Dataset.GetInt(DicomTag.NumberOfFrames) ?? 1);

    [Theory]
    [InlineData("2.5.0", "2.5.0")]
    [InlineData("2.4.0", "2.4.0")]
    [InlineData("2.5.3-dev", "2.5.3")]
    [InlineData("garbage", "0.0")]
    public void OpenJpeg_versions_are_compared_as_numbers(string text, string expected)
    {
        Assert.Equal(Version.Parse(expected), OpenJpegApi.ParseVersion(text));
        Assert.Equal(text.StartsWith("2.5", StringComparison.Ordinal), OpenJpegApi.ParseVersion(text) >= OpenJpegDecoder.FirstHighThroughputVersion);
    }

    [Fact]
    public void The_transfer_syntaxes_are_known_encapsulated_and_decoded_by_OpenJpeg()
    {
        var decoders = new OpenJpegDecoder().TransferSyntaxUids;
        foreach (var (uid, lossy) in new[] { (TransferSyntax.HtJpeg2000LosslessUid, false), (TransferSyntax.HtJpeg2000RpclLosslessUid, false), (TransferSyntax.HtJpeg2000Uid, true) })
        {
            var syntax = TransferSyntax.Lookup(uid);
            Assert.True(syntax.Encapsulated && syntax.ExplicitVr && !syntax.BigEndian);
            Assert.Equal(lossy, syntax.Lossy);
            Assert.Contains(uid, decoders);
            Assert.True(BuiltInCodecs.DeliversRgb(uid)); // OpenJPEG undoes the RCT/ICT itself
        }
    }
}
