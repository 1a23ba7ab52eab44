using System.Text.Json;
using TbScreen.Dicom.Samples;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;

namespace TbScreen.Cli.Tests;

/// <summary>train-lungs → export-lungs → segment on a tiny phantom set with masks made here (two dark rectangles per film).</summary>
public sealed class TrainLungsCommandTests
{
    /// <summary>16 phantom PNGs (32x32), 14 with masks/&lt;file&gt; beside the manifest, alternating labels.</summary>
    private static string TinyManifest()
    {
        string manifest = CliRunner.TempPath("manifest.csv");
        string folder = Path.GetDirectoryName(manifest)!;
        Directory.CreateDirectory(Path.Combine(folder, "masks"));
        var lines = new List<string> { "file,label,source" };
        for (int i = 0; i < 16; i++)
        {
            int[] phantom = ChestPhantom.Generate(32, 32, 255, i + 1);
            var mask = new byte[32 * 32];
            for (int y = 8; y < 26; y++)
            {
                for (int x = 0; x < 32; x++)
                {
                    bool lung = x is >= 5 and < 14 || x is >= 18 and < 27;
                    mask[(y * 32) + x] = lung ? (byte)255 : (byte)0;
                }
            }

            byte[] pixels = phantom.Select((v, p) => mask[p] == 255 ? (byte)(v / 4) : (byte)v).ToArray();
            File.WriteAllBytes(Path.Combine(folder, $"i{i}.png"), GrayPngWriter.Encode(pixels, 32, 32));
            if (i < 14)
            {
                File.WriteAllBytes(Path.Combine(folder, "masks", $"i{i}.png"), GrayPngWriter.Encode(mask, 32, 32));
            }

            lines.Add($"i{i}.png,{i % 2},synthetic");
        }

        File.WriteAllLines(manifest, lines);
        return manifest;
    }

    [Fact]
    public void Trains_exports_a_loadable_bundle_and_evaluates_it()
    {
        string manifest = TinyManifest();
        string run = Path.Combine(Path.GetDirectoryName(manifest)!, "run");

        var (code, stdout, stderr) = CliRunner.Run("train-lungs", "--data", manifest, "--out", run, "--epochs", "2", "--size", "32",
            "--depth", "2", "--width", "16", "--batch", "4", "--threads", "1", "--split", "0.5,0.25,0.25");

        Assert.True(code == 0, stderr);
        Assert.Contains("epoch 2/2", stdout);
        foreach (string file in new[] { "split.csv", "training.json", "best.pt", "best.json", "last.pt", "dataset.json" })
        {
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        }

        // The split covers every image, masked or not, in the classifier's split file format.
        string[] split = File.ReadAllLines(Path.Combine(run, "split.csv"));
        Assert.Equal("split,file,label,source", split[0]);
        Assert.Equal(17, split.Length);
        using (var history = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "training.json"))))
        {
            Assert.Equal(2, history.RootElement.GetProperty("history").GetArrayLength());
        }

        string bundle = Path.Combine(run, "models", "lungs");
        (code, stdout, stderr) = CliRunner.Run("export-lungs", "--checkpoint", Path.Combine(run, "best.pt"), "--out", bundle);
        Assert.True(code == 0, stderr);
        Assert.Contains("parity", stdout);
        var metadata = SegmentationBundle.Load(bundle).Metadata;
        Assert.Equal(SegmentationMetadata.SegmentationTask, metadata.Task);
        Assert.Contains(metadata.Metrics, m => m.Name == "dice-mean" && m.Split == "test");
        Assert.Equal(metadata.Split!.Test, metadata.TestDice!.Count);

        string report = Path.Combine(run, "test.json");
        (code, stdout, stderr) = CliRunner.Run("segment", "--evaluate", manifest, "--split-file", Path.Combine(bundle, "split.csv"),
            "--models", Path.GetDirectoryName(bundle)!, "--out", report);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("test: ", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(metadata.TestDice.Mean, json.RootElement.GetProperty("dice").GetProperty("mean").GetDouble(), 12);
    }

    [Fact]
    public void Site_augmentation_flags_reach_the_run_and_change_what_it_learns()
    {
        string manifest = TinyManifest();
        string plain = Path.Combine(Path.GetDirectoryName(manifest)!, "plain");
        string sited = Path.Combine(Path.GetDirectoryName(manifest)!, "sited");
        string[] common = ["train-lungs", "--data", manifest, "--epochs", "1", "--size", "32", "--depth", "2", "--width", "8", "--batch", "4",
            "--threads", "1", "--split", "0.5,0.25,0.25"];

        var (code, _, stderr) = CliRunner.Run([.. common, "--out", plain]);
        Assert.True(code == 0, stderr);
        (code, _, stderr) = CliRunner.Run([.. common, "--out", sited, "--zoom-out", "0.25", "--aspect", "0.12", "--acquisition-augment"]);
        Assert.True(code == 0, stderr);

        using var history = JsonDocument.Parse(File.ReadAllText(Path.Combine(sited, "training.json")));
        var options = history.RootElement.GetProperty("options");
        Assert.Equal(0.25, options.GetProperty("fieldOfView").GetProperty("zoomOut").GetDouble());
        Assert.Equal(0.12, options.GetProperty("fieldOfView").GetProperty("aspect").GetDouble());
        Assert.True(options.GetProperty("acquisition").GetProperty("enabled").GetBoolean());
        // Same seed, same data: only the augmentation differs, so the first epoch's training loss must too.
        double Loss(string run)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "training.json")));
            return json.RootElement.GetProperty("history")[0].GetProperty("trainLoss").GetDouble();
        }

        Assert.NotEqual(Loss(plain), Loss(sited));

        // The bundle says how it was trained against other sites' films.
        string bundle = Path.Combine(sited, "models", "lungs");
        (code, _, stderr) = CliRunner.Run("export-lungs", "--checkpoint", Path.Combine(sited, "best.pt"), "--out", bundle);
        Assert.True(code == 0, stderr);
        Assert.Contains("site augmentation: zoom-out 0.25, aspect 0.12, acquisition-style", SegmentationBundle.Load(bundle).Metadata.Training!.Notes);
    }

    [Fact]
    public void An_out_of_range_zoom_out_is_a_usage_error_naming_it()
    {
        var (code, _, stderr) = CliRunner.Run("train-lungs", "--data", "x.csv", "--out", CliRunner.TempPath("o"), "--zoom-out", "0.9");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--zoom-out", stderr);
    }

    [Fact]
    public void A_size_the_net_cannot_halve_is_a_usage_error()
    {
        var (code, _, stderr) = CliRunner.Run("train-lungs", "--data", "x.csv", "--out", CliRunner.TempPath("o"), "--size", "100");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("multiple of 16", stderr);
    }
}
