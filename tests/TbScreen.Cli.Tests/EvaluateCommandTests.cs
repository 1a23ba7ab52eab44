using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Cli.Tests;

public class EvaluateCommandTests
{
    // TestBundles.WriteEnsemble's thresholds, but for GoogLeNet's, which the figures test raises.
    private const double AlexNetThreshold = 0.5;
    private const double GoogLeNetThreshold = 0.75;
    private const double EnsembleThreshold = 0.5;

    /// <summary>
    /// Six phantoms whose figures are known by design (brightness steers the tiny models; AlexNet calls TB at 0.5,
    /// GoogLeNet here at 0.75, the ensemble at 0.5). TB at brightness 1.7 and 1.3 is called TB by AlexNet and the
    /// ensemble, TB at 0.9 by none; non-TB at 1.2 is called TB by AlexNet and the ensemble, at 0.5 and 0.6 by none;
    /// GoogLeNet calls only the 1.7. So the members disagree on 1.3 and 1.2. Every figure is also recomputed by hand
    /// from the per-image predictions the command writes.
    /// </summary>
    [Fact]
    public void Writes_metrics_json_with_the_hand_computed_figures_per_model_ensemble_and_source()
    {
        string models = TestBundles.WriteEnsemble();
        // A stricter GoogLeNet than AlexNet, so mid-bright images split the members.
        ModelBundle.WriteMetadata(Path.Combine(models, "googlenet"), TestBundles.Metadata("googlenet", withCam: true, threshold: GoogLeNetThreshold));
        string data = TestBundles.TempDirectory();
        // Source "left" holds TB only, "right" non-TB only, "both" holds both.
        string manifest = WriteManifest(data, [("left", 1, 1.7), ("left", 1, 1.3), ("right", 0, 0.5), ("right", 0, 1.2), ("both", 1, 0.9), ("both", 0, 0.6)]);
        string outDir = Path.Combine(TestBundles.TempDirectory(), "eval");

        var (code, stdout, stderr) = CliRunner.Run("evaluate", "--data", manifest, "--models", models, "--out", outDir);

        Assert.True(code == 0, stderr);
        Assert.Contains("evaluated 6 images (3 TB, 3 not TB, 0 failed)", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        var root = json.RootElement;
        Assert.Equal(6, root.GetProperty("n").GetInt32());
        var cases = Predictions(Path.Combine(outDir, "predictions.csv"));
        Assert.Equal([1, 1, 0, 0, 1, 0], cases.Select(c => c.Tb ? 1 : 0));

        // The design's figures: (sensitivity, specificity) per score, and the disagreement rate.
        AssertFigures(root.GetProperty("models").GetProperty("alexnet"), cases.Select(c => (c.Tb, c.AlexNet)).ToArray(), AlexNetThreshold, (2 / 3.0, 2 / 3.0));
        AssertFigures(root.GetProperty("models").GetProperty("googlenet"), cases.Select(c => (c.Tb, c.GoogLeNet)).ToArray(), GoogLeNetThreshold, (1 / 3.0, 1.0));
        AssertFigures(root.GetProperty("ensemble"), cases.Select(c => (c.Tb, c.Ensemble)).ToArray(), EnsembleThreshold, (2 / 3.0, 2 / 3.0));
        bool[] disagree = cases.Select(c => (c.AlexNet >= AlexNetThreshold) != (c.GoogLeNet >= GoogLeNetThreshold)).ToArray();
        Assert.Equal([false, true, false, true, false, false], disagree);
        Assert.Equal(2 / 6.0, root.GetProperty("disagreementRate").GetDouble(), 12);
        // Agreed cases: 1.7 (right), 0.5 and 0.6 (right), 0.9 (missed). A radiologist reads the two disputed ones.
        Assert.Equal(3 / 4.0, root.GetProperty("agreedAccuracy").GetDouble(), 12);
        Assert.Equal(5 / 6.0, root.GetProperty("radiologistAugmentedAccuracy").GetDouble(), 12);

        var left = root.GetProperty("bySource").GetProperty("left");
        Assert.Equal((2, 2, 0), (left.GetProperty("n").GetInt32(), left.GetProperty("tb").GetInt32(), left.GetProperty("nonTb").GetInt32()));
        Assert.Equal(JsonValueKind.Null, left.GetProperty("ensemble").GetProperty("auc").ValueKind);
        Assert.Contains("no negative", left.GetProperty("ensemble").GetProperty("aucNullReason").GetString());
        Assert.Equal(1.0, left.GetProperty("ensemble").GetProperty("sensitivity").GetDouble());
        var both = root.GetProperty("bySource").GetProperty("both");
        AssertFigures(both.GetProperty("ensemble"), cases.Where((c, i) => i >= 4).Select(c => (c.Tb, c.Ensemble)).ToArray(), EnsembleThreshold, (0.0, 1.0));
        Assert.Equal(2, root.GetProperty("bothClassSources").GetProperty("n").GetInt32());
        Assert.NotNull(XDocument.Parse(File.ReadAllText(Path.Combine(outDir, "roc.svg"))).Root);
        Assert.NotNull(XDocument.Parse(File.ReadAllText(Path.Combine(outDir, "reliability.svg"))).Root);
    }

    [Fact]
    public void Metrics_record_the_views_each_member_scored_so_out_of_fold_thresholds_can_check_them()
    {
        string models = TestBundles.WriteEnsemble();
        string data = TestBundles.TempDirectory();
        string manifest = WriteManifest(data, [("both", 1, 1.3), ("both", 0, 0.6)]);
        string plainOut = Path.Combine(TestBundles.TempDirectory(), "plain"), viewsOut = Path.Combine(TestBundles.TempDirectory(), "views");

        var (code, stdout, stderr) = CliRunner.Run("evaluate", "--data", manifest, "--models", models, "--out", plainOut);
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("test-time augmentation", stdout);
        File.WriteAllText(Path.Combine(models, "views.json"), File.ReadAllText(Path.Combine(models, "ensemble.json")).TrimEnd().TrimEnd('}')
            + ", \"testTimeAugmentation\": { \"views\": [ { \"scale\": 0.9 }, { \"shiftX\": 0.1 } ] } }");
        (code, stdout, stderr) = CliRunner.Run("evaluate", "--data", manifest, "--models", models, "--ensemble", "views.json", "--out", viewsOut);
        Assert.True(code == 0, stderr);

        Assert.Contains("each member scored 3 views per image (test-time augmentation)", stdout);
        int Views(string dir)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
            return json.RootElement.GetProperty("testTimeViews").GetInt32();
        }

        Assert.Equal((1, 3), (Views(plainOut), Views(viewsOut)));
        Assert.NotEqual(Predictions(Path.Combine(plainOut, "predictions.csv"))[0].AlexNet, Predictions(Path.Combine(viewsOut, "predictions.csv"))[0].AlexNet, 4);
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

    /// <summary>
    /// Sensitivity and specificity at the threshold (a case is TB when its probability is at least it), and the AUC as
    /// the share of TB/non-TB pairs ranked right (ties half), all counted here, checked against metrics.json and the
    /// design's expected (sensitivity, specificity).
    /// </summary>
    private static void AssertFigures(JsonElement score, (bool Tb, double P)[] cases, double threshold, (double Sensitivity, double Specificity) designed)
    {
        var tb = cases.Where(c => c.Tb).Select(c => c.P).ToArray();
        var nonTb = cases.Where(c => !c.Tb).Select(c => c.P).ToArray();
        double sensitivity = tb.Count(p => p >= threshold) / (double)tb.Length;
        double specificity = nonTb.Count(p => p < threshold) / (double)nonTb.Length;
        double auc = tb.Sum(t => nonTb.Sum(n => t > n ? 1.0 : t == n ? 0.5 : 0)) / (tb.Length * nonTb.Length);

        Assert.Equal(designed, (sensitivity, specificity));
        Assert.Equal(sensitivity, score.GetProperty("sensitivity").GetDouble(), 12);
        Assert.Equal(specificity, score.GetProperty("specificity").GetDouble(), 12);
        Assert.Equal(auc, score.GetProperty("auc").GetDouble(), 12);
    }

    /// <summary>predictions.csv: file,label,source,alexnet,googlenet,ensemble,decision,flags (file and source quoted, no commas).</summary>
    private static (bool Tb, double AlexNet, double GoogLeNet, double Ensemble)[] Predictions(string path) =>
        File.ReadAllLines(path).Skip(1).Select(line => line.Split(',')).Select(f => (f[1] == "1", P(f[3]), P(f[4]), P(f[5]))).ToArray();

    private static double P(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>
    /// A dataset folder as its owners distribute it (here the NLM Montgomery layout, as a hospital's set would come) is
    /// evaluated exactly as a manifest naming the same files: the same per-image predictions and the same figures.
    /// </summary>
    [Fact]
    public void An_nlm_folder_is_evaluated_as_the_manifest_of_the_same_files()
    {
        string models = TestBundles.WriteEnsemble();
        string set = Path.Combine(TestBundles.TempDirectory(), "MontgomerySet");
        Directory.CreateDirectory(Path.Combine(set, "CXR_png"));
        Directory.CreateDirectory(Path.Combine(set, "ClinicalReadings"));
        var lines = new List<string> { "file,label,sex,age,source" };
        (int Label, double Brightness)[] phantoms = [(1, 1.7), (0, 0.5), (1, 1.3), (0, 1.2), (1, 0.9)];
        for (int i = 0; i < phantoms.Length; i++)
        {
            string stem = $"MCUCXR_{i + 1:D4}_{phantoms[i].Label}";
            File.WriteAllBytes(Path.Combine(set, "CXR_png", stem + ".png"), PhantomImages.PngBytes(phantoms[i].Brightness, seed: i + 1));
            File.WriteAllText(Path.Combine(set, "ClinicalReadings", stem + ".txt"), $"Patient's Sex: F\nPatient's Age: 0{30 + i}Y\n");
            lines.Add($"CXR_png/{stem}.png,{phantoms[i].Label},F,{30 + i},montgomery");
        }

        string manifest = Path.Combine(set, "manifest.csv");
        File.WriteAllLines(manifest, lines);
        string fromFolder = Path.Combine(TestBundles.TempDirectory(), "folder");
        string fromManifest = Path.Combine(TestBundles.TempDirectory(), "manifest");

        var folderRun = CliRunner.Run("evaluate", "--data", set, "--models", models, "--out", fromFolder);
        var manifestRun = CliRunner.Run("evaluate", "--data", manifest, "--models", models, "--out", fromManifest);

        Assert.True(folderRun.ExitCode == 0, folderRun.Stderr);
        Assert.True(manifestRun.ExitCode == 0, manifestRun.Stderr);
        Assert.Contains("evaluated 5 images (3 TB, 2 not TB, 0 failed)", folderRun.Stdout);
        Assert.Contains("montgomery: n 5 (3 TB)", folderRun.Stdout);
        Assert.StartsWith("screening 5 files", folderRun.Stderr);
        Assert.Matches(@"screened 5/5 \(\d+\.\d/s, eta 00:00\), 0 failed", folderRun.Stderr);
        Assert.DoesNotContain("screened", folderRun.Stdout); // the report on stdout stays machine-readable
        Assert.Equal(File.ReadAllText(Path.Combine(fromManifest, "predictions.csv")), File.ReadAllText(Path.Combine(fromFolder, "predictions.csv")));
        using var a = JsonDocument.Parse(File.ReadAllText(Path.Combine(fromFolder, "metrics.json")));
        using var b = JsonDocument.Parse(File.ReadAllText(Path.Combine(fromManifest, "metrics.json")));
        foreach (string figure in new[] { "auc", "sensitivity", "specificity" })
        {
            Assert.Equal(b.RootElement.GetProperty("ensemble").GetProperty(figure).GetDouble(), a.RootElement.GetProperty("ensemble").GetProperty(figure).GetDouble());
        }
    }

    [Fact]
    public void A_data_path_that_does_not_exist_is_named()
    {
        string missing = Path.Combine(TestBundles.TempDirectory(), "MontgomerySet");

        var (code, _, stderr) = CliRunner.Run("evaluate", "--data", missing, "--models", TestBundles.WriteEnsemble(), "--out", Path.Combine(TestBundles.TempDirectory(), "out"));

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains($"{missing}: no such manifest or dataset folder", stderr);
    }

    /// <summary>Regression: evaluate read a junk age as no age without a word, where train stopped on it.</summary>
    [Fact]
    public void A_manifest_row_that_train_refuses_is_refused_by_evaluate_naming_its_line()
    {
        string dir = TestBundles.TempDirectory();
        string manifest = WriteManifest(dir, [("a", 1, 0.3), ("a", 0, 0.7)]);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("img1.png,0,,,a", "img1.png,0,F,45Y,a"));

        var (code, _, stderr) = CliRunner.Run("evaluate", "--data", manifest, "--models", TestBundles.WriteEnsemble(), "--out", Path.Combine(dir, "out"));

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal($"tbscreen: {Path.GetFullPath(manifest)}:3: age '45Y' is not a number of years", stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir, "out")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "out")).Any());
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
