using System.Text.Json;
using TbScreen.Cli.Commands;
using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Cli.Tests;

public sealed class InspectCommandTests
{
    private static readonly string[] DocumentedKeys =
    [
        "transferSyntaxUid", "rows", "columns", "numberOfFrames", "bitsAllocated", "bitsStored", "pixelRepresentation",
        "photometricInterpretation", "modality", "patientSex", "patientAge", "manufacturer", "institutionName", "sopInstanceUid",
    ];

    [Fact]
    public void JsonHasExactlyTheDocumentedCamelCaseKeysAndValues()
    {
        string path = CliRunner.TempPath("sample.dcm");
        File.WriteAllBytes(path, SampleCatalogue.All.Single(s => s.FileName == "phantom-implicit-le-mono1.dcm").Build());

        var (code, stdout, stderr) = CliRunner.Run("inspect", path, "--json");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(DocumentedKeys, root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("1.2.840.10008.1.2", root.GetProperty("transferSyntaxUid").GetString());
        Assert.Equal(384, root.GetProperty("rows").GetInt32());
        Assert.Equal(320, root.GetProperty("columns").GetInt32());
        Assert.Equal(1, root.GetProperty("numberOfFrames").GetInt32());
        Assert.Equal(16, root.GetProperty("bitsAllocated").GetInt32());
        Assert.Equal(12, root.GetProperty("bitsStored").GetInt32());
        Assert.Equal(0, root.GetProperty("pixelRepresentation").GetInt32());
        Assert.Equal("MONOCHROME1", root.GetProperty("photometricInterpretation").GetString());
        Assert.Equal("CR", root.GetProperty("modality").GetString());
        Assert.Equal("M", root.GetProperty("patientSex").GetString());
        Assert.Equal("067Y", root.GetProperty("patientAge").GetString());
        Assert.Equal("TbScreen Phantom", root.GetProperty("manufacturer").GetString());
        Assert.Equal("Synthetic Hospital", root.GetProperty("institutionName").GetString());
        Assert.Equal("1.2.826.0.1.3680043.10.1386.2.3", root.GetProperty("sopInstanceUid").GetString());
    }

    [SkippableTheory]
    [InlineData("CR-MONO1-10-chest.dcm", "1.2.840.10008.1.2", 440, 440, 1, 16, 10, 0, "MONOCHROME1", "CR")]
    [InlineData("MR_small_bigendian.dcm", "1.2.840.10008.1.2.2", 64, 64, 1, 16, 16, 1, "MONOCHROME2", "MR")]
    [InlineData("HasFragmentSequence.dcm", "1.2.840.10008.1.2.4.50", 512, 512, 96, 8, 8, 0, "MONOCHROME2", "XA")]
    [InlineData("RG1_J2KI.dcm", "1.2.840.10008.1.2.4.91", 1955, 1841, 1, 16, 15, 0, "MONOCHROME1", "CR")]
    [InlineData("image_dfl.dcm", "1.2.840.10008.1.2.1.99", 512, 512, 1, 8, 8, 0, "MONOCHROME2", "OT")]
    public void JsonMatchesTheSharedFilesFacts(string file, string syntax, int rows, int columns, int frames, int allocated, int stored, int representation, string photometric, string modality)
    {
        var (code, stdout, _) = CliRunner.Run("inspect", SharedDicomData.PathOf(file), "--json");

        Assert.Equal(0, code);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(syntax, root.GetProperty("transferSyntaxUid").GetString());
        Assert.Equal((rows, columns, frames), (root.GetProperty("rows").GetInt32(), root.GetProperty("columns").GetInt32(), root.GetProperty("numberOfFrames").GetInt32()));
        Assert.Equal((allocated, stored, representation), (root.GetProperty("bitsAllocated").GetInt32(), root.GetProperty("bitsStored").GetInt32(), root.GetProperty("pixelRepresentation").GetInt32()));
        Assert.Equal(photometric, root.GetProperty("photometricInterpretation").GetString());
        Assert.Equal(modality, root.GetProperty("modality").GetString());
    }

    [SkippableFact]
    public void TextOutputListsEveryKey()
    {
        var (code, stdout, _) = CliRunner.Run("inspect", SharedDicomData.PathOf("CT-MONO2-16-ankle.dcm"));

        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(DocumentedKeys, lines.Select(l => l[..l.IndexOf(':')]).ToArray());
        Assert.Contains("pixelRepresentation: 1", stdout);
    }

    [SkippableFact]
    public void SummaryKeysAreTheDocumentedOnes()
    {
        var file = new Dicom.DicomReader().Read(SharedDicomData.PathOf("RG3_UNC.dcm"));
        Assert.Equal(DocumentedKeys, InspectCommand.Summarise(file).Keys.ToArray());
    }
}
