using System.Text.Json;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.OutOfDistribution;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Cli.Tests;

public class FitOodCommandTests
{
    /// <summary>20 train phantoms (brightness 0.9–1.09), 6 val, one test row fit-ood must ignore; returns (manifest, split).</summary>
    private static (string Manifest, string Split) WriteData()
    {
        string dir = TestBundles.TempDirectory();
        var manifest = new List<string> { "file,label,sex,age,source" };
        var split = new List<string> { "file,split" };
        for (int i = 0; i < 27; i++)
        {
            string name = $"img{i}.png";
            double brightness = i < 20 ? 0.9 + 0.01 * i : 0.93 + 0.02 * (i - 20);
            File.WriteAllBytes(Path.Combine(dir, name), PhantomImages.PngBytes(brightness, seed: i + 1));
            manifest.Add($"{name},{i % 2},,,a");
            split.Add($"{name},{(i < 20 ? "train" : i < 26 ? "val" : "test")}");
        }

        File.WriteAllLines(Path.Combine(dir, "manifest.csv"), manifest);
        File.WriteAllLines(Path.Combine(dir, "split.csv"), split);
        return (Path.Combine(dir, "manifest.csv"), Path.Combine(dir, "split.csv"));
    }

    [Fact]
    public void Writes_a_hashed_ood_json_into_every_bundle_and_screen_then_flags_a_far_image()
    {
        string models = TestBundles.WriteEnsemble(withFeatures: true);
        var (manifest, split) = WriteData();

        var (code, stdout, stderr) = CliRunner.Run("fit-ood", "--models", models, "--data", manifest, "--split-file", split, "--components", "8", "--quantile", "0.95");

        Assert.True(code == 0, stderr);
        foreach (string bundle in new[] { "alexnet", "googlenet" })
        {
            string dir = Path.Combine(models, bundle);
            Assert.Contains($"{bundle}: fitted on 20 train images (D 3, k 3), threshold ", stdout);
            Assert.Equal(ModelBundle.Sha256Of(Path.Combine(dir, OodFile.FileName)), ModelBundle.ReadMetadata(dir).OodSha256);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, OodFile.FileName)));
            Assert.Equal(6, json.RootElement.GetProperty("validationCount").GetInt32());
            Assert.Equal(0.95, json.RootElement.GetProperty("quantile").GetDouble());
            Assert.Equal(OodFitting.DataSha256([split, manifest]), json.RootElement.GetProperty("source").GetProperty("dataSha256").GetString());
        }

        string far = Path.Combine(TestBundles.TempDirectory(), "dark.png");
        File.WriteAllBytes(far, PhantomImages.PngBytes(0.2, seed: 3));
        var screen = CliRunner.Run("screen", far, "--models", models);
        Assert.Contains("unfamiliar", screen.Stdout);
        Assert.Contains("unlike the training radiographs", screen.Stdout);
    }

    [Fact]
    public void Bundles_without_a_features_output_are_skipped_with_exit_code_4()
    {
        string models = TestBundles.WriteEnsemble();
        var (manifest, split) = WriteData();

        var (code, stdout, stderr) = CliRunner.Run("fit-ood", "--models", models, "--data", manifest, "--split-file", split);

        Assert.Equal(ExitCodes.ModelError, code);
        Assert.Contains("alexnet: skipped, no onnx.features output", stdout);
        Assert.Contains("no bundle has a features output", stderr);
        Assert.False(File.Exists(Path.Combine(models, "alexnet", OodFile.FileName)));
    }
}
