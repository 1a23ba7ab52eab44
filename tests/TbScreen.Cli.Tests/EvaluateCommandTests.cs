using System.Text.Json;
using System.Xml.Linq;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Cli.Tests;

public class EvaluateCommandTests
{
    [Fact]
    public void Writes_metrics_json_with_every_required_key_per_model_ensemble_and_source()
    {
        string models = TestBundles.WriteEnsemble();
        string data = TestBundles.TempDirectory();
        // Source "left" holds TB only, "right" non-TB only, "both" holds both; TB phantoms are brighter.
        string manifest = WriteManifest(data, [("left", 1, 1.0), ("left", 1, 0.95), ("right", 0, 0.4), ("right", 0, 0.45), ("both", 1, 0.9), ("both", 0, 0.5)]);
        string outDir = Path.Combine(TestBundles.TempDirectory(), "eval");

        var (code, stdout, stderr) = CliRunner.Run("evaluate", "--data", manifest, "--models", models, "--out", outDir);

        Assert.True(code == 0, stderr);
        Assert.Contains("evaluated 6 images (3 TB, 3 not TB, 0 failed)", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        var root = json.RootElement;
        Assert.Equal(6, root.GetProperty("n").GetInt32());
        foreach (var score in new[] { root.GetProperty("models").GetProperty("alexnet"), root.GetProperty("models").GetProperty("googlenet"), root.GetProperty("ensemble") })
        {
            Assert.Equal(1.0, score.GetProperty("auc").GetDouble()); // brightness separates the classes perfectly
            Assert.Equal(2, score.GetProperty("aucCi").GetArrayLength());
            Assert.Equal(JsonValueKind.Number, score.GetProperty("sensitivity").ValueKind);
            Assert.Equal(JsonValueKind.Number, score.GetProperty("specificity").ValueKind);
        }

        foreach (string key in new[] { "disagreementRate", "agreedAccuracy", "radiologistAugmentedAccuracy" })
        {
            Assert.Equal(JsonValueKind.Number, root.GetProperty(key).ValueKind);
        }

        var left = root.GetProperty("bySource").GetProperty("left");
        Assert.Equal((2, 2, 0), (left.GetProperty("n").GetInt32(), left.GetProperty("tb").GetInt32(), left.GetProperty("nonTb").GetInt32()));
        Assert.Equal(JsonValueKind.Null, left.GetProperty("ensemble").GetProperty("auc").ValueKind);
        Assert.Contains("no negative", left.GetProperty("ensemble").GetProperty("aucNullReason").GetString());
        Assert.Equal(2, root.GetProperty("bothClassSources").GetProperty("n").GetInt32());
        Assert.NotNull(XDocument.Parse(File.ReadAllText(Path.Combine(outDir, "roc.svg"))).Root);
        Assert.NotNull(XDocument.Parse(File.ReadAllText(Path.Combine(outDir, "reliability.svg"))).Root);
        Assert.Equal(7, File.ReadAllLines(Path.Combine(outDir, "predictions.csv")).Length);
    }

    [Fact]
    public void A_single_class_manifest_reports_null_auc_with_the_reason()
    {
        string models = TestBundles.WriteEnsemble();
        string manifest = WriteManifest(TestBundles.TempDirectory(), [("nih", 0, 0.5)]);
        string outDir = Path.Combine(TestBundles.TempDirectory(), "eval");

        var (code, stdout, stderr) = CliRunner.Run("evaluate", "--data", manifest, "--models", models, "--out", outDir);

        Assert.True(code == 0, stderr);
        Assert.Contains("ensemble AUC n/a (no positive", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("ensemble").GetProperty("auc").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("ensemble").GetProperty("aucCi").ValueKind);
    }

    [Fact]
    public void Split_selection_and_unreadable_images_are_handled()
    {
        string models = TestBundles.WriteEnsemble();
        string data = TestBundles.TempDirectory();
        string manifest = WriteManifest(data, [("a", 1, 1.0), ("a", 0, 0.4), ("a", 1, 0.9)]);
        File.WriteAllText(Path.Combine(data, "splits.csv"), "file,split\nimg0.png,test\nimg1.png,test\nimg2.png,train\nmissing.png,test\n");
        File.AppendAllText(manifest, "missing.png,1,,,a\n");
        string outDir = Path.Combine(TestBundles.TempDirectory(), "eval");

        var (code, stdout, stderr) = CliRunner.Run("evaluate", "--data", manifest, "--models", models, "--out", outDir, "--split", "test", "--split-file", Path.Combine(data, "splits.csv"));

        Assert.Equal(ExitCodes.SomeInputsFailed, code);
        Assert.Contains("evaluated 2 images (1 TB, 1 not TB, 1 failed)", stdout);
        Assert.Contains("missing.png", stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.Equal("missing.png", json.RootElement.GetProperty("failures")[0].GetProperty("file").GetString());
    }

    [Fact]
    public void Split_file_without_split_is_a_usage_error()
    {
        var (code, _, stderr) = CliRunner.Run("evaluate", "--data", "m.csv", "--out", "o", "--split-file", "s.csv");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--split-file needs --split", stderr);
    }

    [Fact]
    public void Batch_size_out_of_range_is_a_usage_error()
    {
        var (code, _, stderr) = CliRunner.Run("evaluate", "--data", "m.csv", "--out", "o", "--batch", "0");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--batch must be between 1 and 256", stderr);
    }

    private static string WriteManifest(string dir, (string Source, int Label, double Brightness)[] rows)
    {
        var lines = new List<string> { "file,label,sex,age,source" };
        for (int i = 0; i < rows.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(dir, $"img{i}.png"), PhantomImages.PngBytes(rows[i].Brightness, seed: i + 1));
            lines.Add($"img{i}.png,{rows[i].Label},,,{rows[i].Source}");
        }

        string path = Path.Combine(dir, "manifest.csv");
        File.WriteAllLines(path, lines);
        return path;
    }
}
