using Microsoft.Extensions.DependencyInjection;
using TbScreen.Dicom;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Writing;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Tests.Isolation;
using TbScreen.Screening.Tests.Support;

namespace TbScreen.Screening.Tests.Pipeline;

/// <summary>With isolated native codecs a codec crash fails one file as processing-failed; the pipeline screens on.</summary>
[Collection(PipelineCollection.Name)]
public sealed class NativeCodecIsolationTests(PipelineFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("codec-isolation-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("jpeg2000-lossless")]
    [InlineData("jpeg-ls-lossless")]
    public void Isolated_decoding_screens_exactly_like_in_process(string encoding)
    {
        byte[] file = Encoded(encoding);
        var options = new ScreeningOptions { Heatmap = false, IsolateNativeCodecs = true };
        using var decoder = options.CreatePixelDecoder();
        using var isolated = new ScreeningPipeline(fixture.Pipeline.Ensemble, options) { PixelDecoder = decoder };

        var outcome = isolated.Screen(file, "chest.dcm");
        var expected = fixture.Pipeline.Screen(file, "chest.dcm");

        Assert.True(decoder.IsolatesNativeCodecs);
        Assert.Equal(ScreeningStatus.Ok, outcome.Status);
        Assert.Equal(expected.PixelSha256, outcome.PixelSha256);
        Assert.Equal(expected.EnsembleProbability, outcome.EnsembleProbability);
    }

    [Fact]
    public void A_crashing_native_decoder_fails_the_file_as_processing_failed_and_the_pipeline_screens_on()
    {
        var options = new ScreeningOptions { Heatmap = false, IsolateNativeCodecs = true, CodecHostPath = FakeCodecHosts.Crashing(_folder) };
        using var decoder = options.CreatePixelDecoder();
        using var pipeline = new ScreeningPipeline(fixture.Pipeline.Ensemble, options) { PixelDecoder = decoder };

        var failed = pipeline.Screen(Encoded("jpeg2000-lossless"), "chest.dcm");
        var next = pipeline.Screen(RadiographFixtures.Dicom(TransferSyntax.ExplicitVrLittleEndianUid), "next.dcm");

        Assert.Equal(ScreeningStatus.ProcessingFailed, failed.Status);
        Assert.Equal("chest.dcm: the JPEG 2000 decoder crashed (signal 11)", failed.Error);
        Assert.NotNull(failed.ContentSha256);
        Assert.Equal(ScreeningStatus.Ok, next.Status);
    }

    [Fact]
    public void AddScreening_registers_the_decoder_its_options_ask_for()
    {
        using var isolated = new ServiceCollection().AddScreening(o => o.IsolateNativeCodecs = true).BuildServiceProvider();
        using var inProcess = new ServiceCollection().AddScreening().BuildServiceProvider();

        Assert.True(isolated.GetRequiredService<PixelDataDecoder>().IsolatesNativeCodecs);
        Assert.Same(PixelDataDecoder.Default, inProcess.GetRequiredService<PixelDataDecoder>());
    }

    private static byte[] Encoded(string encoding)
    {
        var (uid, encoder) = RadiographFixtures.LosslessEncodings[encoding];
        var dataset = SampleDatasets.Create(RadiographFixtures.Spec).Dataset;
        return DicomWriter.Write(dataset, uid, new DicomWriterOptions { Encoder = encoder() });
    }
}
