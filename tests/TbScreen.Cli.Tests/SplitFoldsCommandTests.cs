using TbScreen.Dicom.Samples;
using TbScreen.Imaging;

namespace TbScreen.Cli.Tests;

public sealed class SplitFoldsCommandTests
{
    /// <summary>20 phantom PNGs, alternating labels, one source: 12 train, 4 validation, 4 test.</summary>
    /// <summary>
    /// Two out-of-fold prediction files (images i0..i7 and i8..i15 of <see cref="TinyData"/>) in column
    /// <paramref name="column"/>, by hand: TB at 0.50, 0.55, .., 0.85; normals at 0.10, .., 0.40 and one (i14) at 0.52.
    /// </summary>
    internal static string HandOutOfFold(string folder, string column)
    {
        string Oof(string name, IEnumerable<int> images)
        {
            string path = Path.Combine(folder, name);
            File.WriteAllLines(path, images.Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"i{i}.png,{i % 2},synthetic,{(i % 2 == 1 ? 0.5 + 0.05 * (i / 2) : i == 14 ? 0.52 : 0.1 + 0.05 * (i / 2)):R}")).Prepend("file,label,source," + column));
            return path;
        }

        return Oof("oof-1.csv", Enumerable.Range(0, 8)) + "," + Oof("oof-2.csv", Enumerable.Range(8, 8));
    }

    internal static (string Manifest, string Split) TinyData()
    {
        string manifest = CliRunner.TempPath("manifest.csv");
        string folder = Path.GetDirectoryName(manifest)!;
        var lines = new List<string> { "file,label,source" };
        var split = new List<string> { "file,split" };
        for (int i = 0; i < 20; i++)
        {
            byte[] pixels = ChestPhantom.Generate(32, 32, 255, i + 1).Select(v => (byte)v).ToArray();
            File.WriteAllBytes(Path.Combine(folder, $"i{i}.png"), GrayPngWriter.Encode(pixels, 32, 32));
            lines.Add($"i{i}.png,{i % 2},synthetic");
            split.Add($"i{i}.png,{(i < 12 ? "train" : i < 16 ? "val" : "test")}");
        }

        File.WriteAllLines(manifest, lines);
        string splitPath = Path.Combine(folder, "split.csv");
        File.WriteAllLines(splitPath, split);
        return (manifest, splitPath);
    }

    private static Dictionary<string, string> Read(string splitCsv) =>
        File.ReadAllLines(splitCsv).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[1], c => c[0]);

    [Fact]
    public void Writes_fold_files_and_a_final_split_that_train_accepts()
    {
        var (manifest, split) = TinyData();
        string outDir = Path.Combine(Path.GetDirectoryName(manifest)!, "cv");

        var (code, stdout, stderr) = CliRunner.Run("split-folds", "--data", manifest, "--split-file", split, "--folds", "2", "--out", outDir);

        Assert.True(code == 0, stderr);
        Assert.Contains("fold 1/2: held out 8 images [synthetic 8 (4 TB)]", stdout);
        var fold1 = Read(Path.Combine(outDir, "fold-1.csv"));
        var fold2 = Read(Path.Combine(outDir, "fold-2.csv"));
        var final = Read(Path.Combine(outDir, "final.csv"));
        for (int i = 0; i < 20; i++)
        {
            string file = $"i{i}.png";
            if (i >= 16)
            {
                Assert.Equal(("test", "test", "test"), (fold1[file], fold2[file], final[file]));
            }
            else
            {
                Assert.Equal("train", final[file]);
                Assert.Equal(1, new[] { fold1[file], fold2[file] }.Count(s => s == "val"));
            }
        }

        // A fold trains with its held-out cases as validation; the final split trains without any.
        (code, stdout, stderr) = CliRunner.Run("train", "--data", manifest, "--arch", "googlenet", "--out", Path.Combine(outDir, "final"),
            "--epochs", "1", "--size", "32", "--batch", "4", "--threads", "1", "--split-file", Path.Combine(outDir, "final.csv"), "--no-validation");
        Assert.True(code == 0, stderr);
        Assert.Contains("trained 1 epochs without validation", stdout);
        Assert.True(File.Exists(Path.Combine(outDir, "final", "last.pt")));
        Assert.False(File.Exists(Path.Combine(outDir, "final", "best.pt")));
        // The final model's bundle takes its thresholds and metrics from out-of-fold predictions (here written by hand).
        string oof = HandOutOfFold(outDir, "googlenet");
        string bundle = Path.Combine(outDir, "bundle");
        (code, stdout, stderr) = CliRunner.Run("export-onnx", Path.Combine(outDir, "final", "last.pt"), "--out", bundle, "--oof", oof);
        Assert.True(code == 0, stderr);
        Assert.Contains("16 out-of-fold images", stdout);
        var metadata = TbScreen.Inference.Bundles.ModelBundle.Load(bundle).Metadata;
        // By hand: every TB case reaches 0.50 (the sensitivity-0.90 threshold); Youden ties at 0.50 and 0.55 (0.875) and
        // takes the higher; the normal at 0.52 outranks one TB case, so AUC = 63/64.
        Assert.Equal(0.50, metadata.Thresholds!.Sensitivity90, 12);
        Assert.Equal(0.55, metadata.Thresholds.Youden, 12);
        var auc = Assert.Single(metadata.Metrics, m => m.Name == "auc" && m.Split == "out-of-fold/synthetic");
        Assert.Equal(63.0 / 64, auc.Value!.Value, 12);
        Assert.Equal(7.0 / 8, Assert.Single(metadata.Metrics, m => m.Name == "specificity" && m.Split == "out-of-fold").Value!.Value, 12);
        Assert.DoesNotContain(metadata.Metrics, m => m.Split.StartsWith("validation", StringComparison.Ordinal));
        Assert.Contains("trained on train + validation", metadata.Training!.Notes);
        string card = File.ReadAllText(Path.Combine(bundle, "README.md"));
        Assert.Contains("## Thresholds (chosen on out-of-fold predictions of models retrained per fold)", card);
        Assert.Contains("## Out-of-fold metrics", card);

        // Its INT8 twin has no unseen images to re-select thresholds on: it keeps the float32 source's out-of-fold ones, and
        // the sweep measures agreement on the training images left after the 6 calibration images (16 - 6 = 10).
        (code, stdout, stderr) = CliRunner.Run("quantize", "--model", bundle, "--data", manifest, "--split-file", Path.Combine(outDir, "final.csv"),
            "--calibration", "6", "--method", "minmax", "--float-layers", "", "--out", bundle + "-int8");
        Assert.True(code == 0, stderr);
        Assert.Contains("the sweep uses 10 training images outside the calibration set", stdout);
        var int8 = TbScreen.Inference.Bundles.ModelBundle.Load(bundle + "-int8").Metadata;
        Assert.Equal((0.50, 0.55), (int8.Thresholds!.Sensitivity90, int8.Thresholds.Youden));
        Assert.Equal(TbScreen.Training.Quantization.QuantizedBundle.SourceOutOfFold, int8.Quantization!.ThresholdsSelectedOn);
        Assert.Equal(63.0 / 64, Assert.Single(int8.Metrics, m => m.Name == "auc" && m.Split == "out-of-fold/synthetic").Value!.Value, 12);
        // The summary line names every recorded AUC with its split (63/64 = 0.984375).
        Assert.Contains("AUC out-of-fold/synthetic 0.9844", stdout);
        Assert.Contains("## Out-of-fold metrics (of the float32 source's fold models)", File.ReadAllText(Path.Combine(bundle + "-int8", "README.md")));

        // A test image among the out-of-fold predictions would leak the test split into the thresholds.
        File.AppendAllLines(Path.Combine(outDir, "oof-2.csv"), ["i17.png,1,synthetic,0.9"]);
        (code, _, stderr) = CliRunner.Run("export-onnx", Path.Combine(outDir, "final", "last.pt"), "--out", bundle + "2", "--oof", oof);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("'i17.png' is in the test split", stderr);
        Assert.Contains("oof-2.csv", stderr);

        (code, stdout, stderr) = CliRunner.Run("train", "--data", manifest, "--arch", "googlenet", "--out", Path.Combine(outDir, "fold-1"),
            "--epochs", "1", "--size", "32", "--batch", "4", "--threads", "1", "--split-file", Path.Combine(outDir, "fold-1.csv"));
        Assert.True(code == 0, stderr);
        Assert.Contains("val 8 (4 TB)", stdout);
    }

    [Fact]
    public void Too_few_patients_or_folds_are_usage_errors()
    {
        var (manifest, split) = TinyData();
        string outDir = Path.Combine(Path.GetDirectoryName(manifest)!, "cv");

        var (code, _, stderr) = CliRunner.Run("split-folds", "--data", manifest, "--split-file", split, "--folds", "9", "--out", outDir);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("9 folds need at least 9 patients", stderr);
        (code, _, stderr) = CliRunner.Run("split-folds", "--data", manifest, "--split-file", split, "--folds", "1", "--out", outDir);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--folds", stderr);
        Assert.False(Directory.Exists(outDir));
    }
}
