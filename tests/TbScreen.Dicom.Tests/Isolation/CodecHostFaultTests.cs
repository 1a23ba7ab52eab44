using System.Diagnostics;
using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Isolation;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Tests.Isolation;

/// <summary>
/// A codec host that crashes, hangs or floods its reply fails that one frame with a CodecFaultException; the test
/// process lives on and the next frame on the same client decodes in a fresh host.
/// </summary>
public sealed class CodecHostFaultTests : IDisposable
{
    private static readonly FrameInfo Info = new(48, 40, 1, 16, 12, false, 0, "MONOCHROME2");
    private static readonly int[] Samples = Enumerable.Range(0, 48 * 40).Select(i => (i * 37) & 0xFFF).ToArray();
    private static readonly byte[] J2k = new OpenJpegEncoder().Encode(Samples, Info);

    private readonly string _folder = Directory.CreateTempSubdirectory("codechost-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_crash_fails_the_frame_with_the_signal_and_the_next_frame_decodes()
    {
        using var client = new CodecHostClient(new CodecHostOptions { Processes = 1, AllowTestFaults = true });
        Assert.Equal(Samples, Decode(client)); // the host is up before it crashes

        var error = Assert.Throws<CodecFaultException>(() => client.Decode(OpenJpegDecoder.LosslessUid, J2k, Info, "JPEG 2000", TestFault.Crash));

        Assert.Equal(CodecFault.Crashed, error.Fault);
        Assert.Equal("the JPEG 2000 decoder crashed (signal 11)", error.Reason);
        Assert.Equal(Samples, Decode(client));
    }

    [Fact]
    public void A_hang_is_stopped_by_the_watchdog_and_the_next_frame_decodes()
    {
        using var client = new CodecHostClient(new CodecHostOptions { Processes = 1, Timeout = TimeSpan.FromSeconds(1), AllowTestFaults = true });
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<CodecFaultException>(() => client.Decode(CharLsDecoder.LosslessUid, new CharLsEncoder().Encode(Samples, Info), Info, "JPEG-LS", TestFault.Hang));

        Assert.Equal(CodecFault.TimedOut, error.Fault);
        Assert.Equal("the JPEG-LS decoder timed out after 1 s and was stopped", error.Reason);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
        Assert.Equal(Samples, Decode(client));
    }

    [Fact]
    public void A_reply_larger_than_the_frame_is_refused_unread_and_the_next_frame_decodes()
    {
        using var client = new CodecHostClient(new CodecHostOptions { Processes = 1, AllowTestFaults = true });

        var error = Assert.Throws<CodecFaultException>(() => client.Decode(OpenJpegDecoder.LosslessUid, J2k, Info, "JPEG 2000", TestFault.OversizedReply));

        Assert.Equal(CodecFault.OversizedOutput, error.Fault);
        Assert.Contains($"more than the {48 * 40 * 4} the frame can hold", error.Reason);
        Assert.Equal(Samples, Decode(client));
    }

    [Fact]
    public void Text_a_library_prints_on_stdout_does_not_corrupt_the_reply()
    {
        using var client = new CodecHostClient(new CodecHostOptions { Processes = 1, AllowTestFaults = true });

        Assert.Equal(Samples, client.Decode(OpenJpegDecoder.LosslessUid, J2k, Info, "JPEG 2000", TestFault.StrayStdout));
        Assert.Equal(Samples, Decode(client));
    }

    [Fact]
    public void Test_faults_are_ignored_by_a_host_that_was_not_started_for_tests()
    {
        using var client = new CodecHostClient(new CodecHostOptions { Processes = 1 });

        Assert.Equal(Samples, client.Decode(OpenJpegDecoder.LosslessUid, J2k, Info, "JPEG 2000", TestFault.Crash));
    }

    [Fact]
    public void A_crashing_host_fails_the_file_by_name_through_the_pixel_decoder()
    {
        using var decoder = PixelDataDecoder.Isolated(new CodecHostOptions { HostPath = FakeCodecHosts.Crashing(_folder) });

        var error = Assert.Throws<CodecFaultException>(() => decoder.DecodeStoredFrame(J2kFile("chest.dcm")));

        Assert.Equal("chest.dcm", error.FilePath);
        Assert.Equal("chest.dcm: the JPEG 2000 decoder crashed (signal 11)", error.Message);
    }

    [Fact]
    public void A_host_that_never_starts_is_stopped_by_the_watchdog()
    {
        using var client = new CodecHostClient(new CodecHostOptions { HostPath = FakeCodecHosts.Stalling(_folder), StartTimeout = TimeSpan.FromSeconds(1) });

        var error = Assert.Throws<CodecFaultException>(() => Decode(client));

        Assert.Equal(CodecFault.TimedOut, error.Fault);
        Assert.Equal("the JPEG 2000 decoder did not start after 1 s and was stopped", error.Reason);
    }

    [Fact]
    public void A_missing_host_is_a_clear_error_for_the_frame()
    {
        using var decoder = PixelDataDecoder.Isolated(new CodecHostOptions { HostPath = Path.Combine(_folder, "TbScreen.Dicom.CodecHost") });

        var error = Assert.Throws<CodecFaultException>(() => decoder.DecodeStoredFrame(J2kFile("chest.dcm")));

        Assert.Equal(CodecFault.HostUnavailable, error.Fault);
        Assert.Contains("TbScreen.Dicom.CodecHost was not found at " + _folder, error.Message);
        Assert.StartsWith("chest.dcm: ", error.Message);
    }

    private static int[] Decode(CodecHostClient client) => client.Decode(OpenJpegDecoder.LosslessUid, J2k, Info, "JPEG 2000");

    private static DicomFile J2kFile(string name)
    {
        var (dataset, _) = SampleDatasets.Create(new SampleSpec(Rows: 32, Columns: 32));
        var encoder = new OpenJpegEncoder();
        return new DicomReader().Parse(DicomWriter.Write(dataset, encoder.TransferSyntaxUid, new DicomWriterOptions { Encoder = encoder }), name);
    }
}
