using System.Text.Json;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Tests.TestData;
using TbScreen.Dicom.Writing;
using TbScreen.Imaging;

namespace TbScreen.Cli.Tests;

/// <summary>`tbscreen segment` with the shipped models/lungs on phantoms written by our own code.</summary>
public sealed class SegmentCommandTests
{
    private const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";

    private static string ModelsDirectory => Path.Combine(SharedDicomData.RepositoryRoot, "models");

    [Fact]
    public void Masks_are_written_at_each_inputs_size_for_png_and_dicom_and_a_bad_file_is_named_and_skipped()
    {
        string folder = Path.GetDirectoryName(CliRunner.TempPath("x"))!;
        string dicom = Path.Combine(folder, "film.dcm");
        File.WriteAllBytes(dicom, DicomWriter.Write(SampleDatasets.Create(new SampleSpec(Rows: 300, Columns: 260, Seed: 3)).Dataset, ExplicitVrLittleEndian));
        string png = Path.Combine(folder, "phantom.png");
        int[] values = ChestPhantom.Generate(180, 240, 255, seed: 4);
        File.WriteAllBytes(png, GrayPngWriter.Encode(values.Select(v => (byte)v).ToArray(), 240, 180));
        string broken = Path.Combine(folder, "broken.png");
        File.WriteAllBytes(broken, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        string output = Path.Combine(folder, "masks");

        var (code, stdout, stderr) = CliRunner.Run("segment", dicom, broken, png, "--out", output, "--models", ModelsDirectory);

        Assert.Equal(ExitCodes.SomeInputsFailed, code);
        Assert.StartsWith($"tbscreen: {broken}", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        AssertMask(Path.Combine(output, "film.png"), 260, 300);
        AssertMask(Path.Combine(output, "phantom.png"), 240, 180);
        Assert.False(File.Exists(Path.Combine(output, "broken.png")));
    }

    [Fact]
    public void Neither_files_nor_evaluate_is_a_usage_error()
    {
        var (code, _, stderr) = CliRunner.Run("segment", "--models", ModelsDirectory);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--evaluate", stderr);
    }

    [Fact]
    public void A_missing_bundle_is_a_model_error_naming_it()
    {
        var (code, _, stderr) = CliRunner.Run("segment", "x.png", "--out", CliRunner.TempPath("m"), "--models", Path.GetDirectoryName(CliRunner.TempPath("y"))!);

        Assert.Equal(ExitCodes.ModelError, code);
        Assert.Contains("lungs", stderr);
    }

    [Fact]
    public void Another_hospitals_nlm_layout_is_evaluated_without_a_split_file_and_under_stress()
    {
        // A Montgomery-style folder: CXR_png and ManualMask/{leftMask,rightMask}. The reference is the segmenter's own
        // mask on the left and an empty one on the right, so their union must score Dice 1 exactly.
        string root = Path.GetDirectoryName(CliRunner.TempPath("nlm/x"))!;
        string name = "MCUCXR_0001_0.png";
        string image = Path.Combine(root, "CXR_png", name);
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        File.WriteAllBytes(image, GrayPngWriter.Encode(ChestPhantom.Generate(200, 170, 255, seed: 6).Select(v => (byte)v).ToArray(), 170, 200));
        string own = Path.Combine(root, "own");
        Assert.Equal(0, CliRunner.Run("segment", image, "--out", own, "--models", ModelsDirectory).ExitCode);
        Assert.Contains(255, RasterImageLoader.Default.Load(Path.Combine(own, name)).StoredPixels); // a non-empty reference
        Directory.CreateDirectory(Path.Combine(root, "ManualMask", "leftMask"));
        Directory.CreateDirectory(Path.Combine(root, "ManualMask", "rightMask"));
        File.Copy(Path.Combine(own, name), Path.Combine(root, "ManualMask", "leftMask", name));
        File.WriteAllBytes(Path.Combine(root, "ManualMask", "rightMask", name), GrayPngWriter.Encode(new byte[170 * 200], 170, 200));
        string report = Path.Combine(root, "stress.json");

        var (code, stdout, stderr) = CliRunner.Run("segment", "--evaluate", root, "--stress", "--models", ModelsDirectory, "--out", report);

        Assert.True(code == 0, stderr);
        Assert.Contains("no --split-file: scoring every image with a reference mask (1)", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal("all", json.RootElement.GetProperty("split").GetString());
        var rows = json.RootElement.GetProperty("conditions").EnumerateArray().ToList();
        Assert.Equal(["none", "zoom-out", "portrait", "blur", "noise", "jpeg", "low-resolution", "markers", "collimation"],
            rows.Select(r => r.GetProperty("condition").GetString()));
        Assert.Equal(1.0, rows[0].GetProperty("dice").GetProperty("mean").GetDouble(), 12);
        Assert.Equal(0.0, rows[0].GetProperty("meanChange").GetDouble(), 12);
    }

    /// <summary>A gray 8-bit PNG of the given size holding only 0 and 255.</summary>
    private static void AssertMask(string path, int width, int height)
    {
        var mask = RasterImageLoader.Default.Load(path);
        Assert.Equal((height, width), (mask.Layout.Rows, mask.Layout.Columns));
        Assert.Equal(8, mask.Layout.BitsStored);
        Assert.All(mask.StoredPixels, v => Assert.True(v is 0 or 255, $"mask value {v}"));
    }
}
