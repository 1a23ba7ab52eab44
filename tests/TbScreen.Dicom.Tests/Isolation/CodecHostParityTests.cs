using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Isolation;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Codecs.Rle;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Tests.TestData;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Tests.Isolation;

/// <summary>Out of process, the native codecs must hand back exactly the stored values they give in process.</summary>
public sealed class CodecHostParityTests : IDisposable
{
    private readonly PixelDataDecoder _isolated = PixelDataDecoder.Isolated();

    public static TheoryData<string> Encodings => new() { "jpeg2000-lossless", "jpeg2000-lossy", "jpeg-ls-lossless", "jpeg-ls-near2" };

    public static TheoryData<string> SharedFiles => new() { "RG3_J2KR.dcm", "RG1_J2KI.dcm", "RG3_JLSL.dcm" };

    public void Dispose() => _isolated.Dispose();

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Our_own_files_decode_out_of_process_to_the_in_process_pixels(string encoding)
    {
        var (dataset, _) = SampleDatasets.Create(new SampleSpec(Rows: 97, Columns: 131, Seed: 5));
        IFrameEncoder encoder = encoding switch
        {
            "jpeg2000-lossless" => new OpenJpegEncoder(lossless: true),
            "jpeg2000-lossy" => new OpenJpegEncoder(lossless: false, compressionRatio: 8),
            "jpeg-ls-lossless" => new CharLsEncoder(),
            _ => new CharLsEncoder(nearLossless: 2),
        };
        var file = new DicomReader().Parse(DicomWriter.Write(dataset, encoder.TransferSyntaxUid, new DicomWriterOptions { Encoder = encoder }), encoding + ".dcm");

        var inProcess = PixelDataDecoder.Default.DecodeStoredFrame(file);
        var outOfProcess = _isolated.DecodeStoredFrame(file);

        Assert.True(_isolated.IsolatesNativeCodecs);
        Assert.Equal(97 * 131, outOfProcess.Values.Length);
        Assert.Equal(inProcess.Values, outOfProcess.Values);
    }

    [SkippableTheory]
    [MemberData(nameof(SharedFiles))]
    public void Shared_files_decode_out_of_process_to_the_in_process_pixels(string name)
    {
        var file = new DicomReader().Read(SharedDicomData.PathOf(name));

        var inProcess = PixelDataDecoder.Default.DecodeStoredFrame(file);
        var outOfProcess = _isolated.DecodeStoredFrame(file);

        Assert.Equal(inProcess.Values, outOfProcess.Values);
    }

    [Fact]
    public void Managed_codecs_stay_in_process()
    {
        var (dataset, stored) = SampleDatasets.Create(new SampleSpec(Rows: 40, Columns: 30));
        var file = new DicomReader().Parse(DicomWriter.Write(dataset, TransferSyntax.RleLosslessUid, new DicomWriterOptions { Encoder = new RleEncoder() }), "rle.dcm");
        // A host path that cannot exist: an RLE decode that went out of process would fail on it.
        using var noHost = PixelDataDecoder.Isolated(new CodecHostOptions { HostPath = "/nonexistent/codec-host" });

        Assert.Equal(stored, noHost.DecodeStoredFrame(file).Values);
    }

    [Fact]
    public void Corrupt_data_fails_with_the_codecs_own_reason_and_the_host_serves_on()
    {
        var info = new FrameInfo(64, 64, 1, 16, 12, false, 0, "MONOCHROME2");
        byte[] good = new OpenJpegEncoder().Encode(new int[64 * 64], info);
        using var client = new CodecHostClient(new CodecHostOptions { Processes = 1 });

        var error = Assert.Throws<DicomException>(() => client.Decode(OpenJpegDecoder.LosslessUid, good.AsSpan(0, 60), info, "JPEG 2000"));
        Assert.IsNotType<CodecFaultException>(error);
        Assert.StartsWith("JPEG 2000:", error.Reason);
        Assert.Equal(new int[64 * 64], client.Decode(OpenJpegDecoder.LosslessUid, good, info, "JPEG 2000"));
    }

    [Fact]
    public void Parallel_callers_share_the_pool()
    {
        var info = new FrameInfo(50, 70, 1, 16, 16, false, 0, "MONOCHROME2");
        var frames = Enumerable.Range(0, 8).Select(seed => (Samples: Enumerable.Range(0, 50 * 70).Select(i => (i * (seed + 3)) & 0xFFFF).ToArray(), Seed: seed)).ToArray();
        using var client = new CodecHostClient(new CodecHostOptions { Processes = 2 });

        Parallel.ForEach(frames, new ParallelOptions { MaxDegreeOfParallelism = 4 }, frame =>
        {
            byte[] encoded = new CharLsEncoder().Encode(frame.Samples, info);
            Assert.Equal(frame.Samples, client.Decode(CharLsDecoder.LosslessUid, encoded, info, "JPEG-LS"));
        });
    }
}
