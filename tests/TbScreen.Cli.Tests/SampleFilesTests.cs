using TbScreen.Cli.Commands;
using TbScreen.Dicom;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Cli.Tests;

/// <summary>The committed samples are exactly what our generator writes, and every one renders.</summary>
public sealed class SampleFilesTests
{
    public static TheoryData<string> SampleNames()
    {
        var data = new TheoryData<string>();
        foreach (var sample in SampleCatalogue.All)
        {
            data.Add(sample.FileName);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void CommittedSampleDecodesLikeAFreshlyGeneratedOne(string fileName)
    {
        string committed = Path.Combine(SharedDicomData.RepositoryRoot, "samples", fileName);
        var sample = SampleCatalogue.All.Single(s => s.FileName == fileName);
        var reader = new DicomReader();

        var expected = PixelDataDecoder.Default.DecodeStoredFrame(reader.Parse(sample.Build(), "fresh"));
        var actual = PixelDataDecoder.Default.DecodeStoredFrame(reader.Read(committed));

        Assert.Equal(sample.TransferSyntaxUid, reader.Read(committed).TransferSyntax.Uid);
        Assert.Equal(expected.Values, actual.Values);
    }

    [Fact]
    public void SamplesFolderHoldsOnlyCatalogueFilesAndTheReadme()
    {
        var files = Directory.GetFiles(Path.Combine(SharedDicomData.RepositoryRoot, "samples")).Select(Path.GetFileName).Order().ToArray();
        var expected = SampleCatalogue.All.Select(s => s.FileName).Append("README.md").Order().ToArray();
        Assert.Equal(expected, files);
    }

    [Fact]
    public void SamplesCommandWritesEveryCatalogueFile()
    {
        string folder = Path.GetDirectoryName(CliRunner.TempPath("x"))!;
        var (code, stdout, _) = CliRunner.Run("samples", "--out", folder);

        Assert.Equal(0, code);
        Assert.All(SampleCatalogue.All, s => Assert.True(File.Exists(Path.Combine(folder, s.FileName)), s.FileName));
        Assert.Equal(SampleCatalogue.All.Count, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
