using TbScreen.Dicom.Samples;
using TbScreen.Imaging;

namespace TbScreen.Cli.Tests;

public sealed class TrainCommandTests
{
    /// <summary>A manifest of phantom PNGs with alternating labels: 12 from one source, or the second half from another.</summary>
    private static string TinyManifest(int count = 12, Func<int, string>? source = null)
    {
        string manifest = CliRunner.TempPath("manifest.csv");
        string folder = Path.GetDirectoryName(manifest)!;
        var lines = new List<string> { "file,label,source" };
        for (int i = 0; i < count; i++)
        {
            byte[] pixels = ChestPhantom.Generate(32, 32, 255, i + 1).Select(v => (byte)v).ToArray();
            File.WriteAllBytes(Path.Combine(folder, $"i{i}.png"), GrayPngWriter.Encode(pixels, 32, 32));
            lines.Add($"i{i}.png,{i % 2},{source?.Invoke(i) ?? "synthetic"}");
        }

        File.WriteAllLines(manifest, lines);
        return manifest;
    }

    [Fact]
    public void WritesCheckpointsHistoryAndSplit()
    {
        string manifest = TinyManifest();
        string outDir = Path.Combine(Path.GetDirectoryName(manifest)!, "run");
        var (code, stdout, stderr) = CliRunner.Run("train", "--data", manifest, "--arch", "googlenet", "--out", outDir,
            "--epochs", "1", "--size", "32", "--batch", "4", "--threads", "1", "--split", "0.5,0.5,0");
        Assert.True(code == 0, stderr);
        Assert.Contains("best val AUC", stdout);
        foreach (string file in new[] { "split.csv", "training.json", "last.pt", "best.pt", "epoch-0.pt", "epoch-1.json" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        }

        // The written split is reusable.
        (code, _, stderr) = CliRunner.Run("train", "--data", manifest, "--arch", "googlenet", "--out", outDir + "2",
            "--epochs", "1", "--size", "32", "--batch", "4", "--threads", "1", "--split-file", Path.Combine(outDir, "split.csv"));
        Assert.True(code == 0, stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "split.csv")), File.ReadAllText(Path.Combine(outDir + "2", "split.csv")));

        // export-onnx finds the dataset through dataset.json and writes a loadable bundle.
        string bundle = Path.Combine(outDir, "bundle");
        (code, stdout, stderr) = CliRunner.Run("export-onnx", Path.Combine(outDir, "best.pt"), "--out", bundle);
        Assert.True(code == 0, stderr);
        Assert.Contains("ONNX parity", stdout);
        Assert.Equal("googlenet", TbScreen.Inference.Bundles.ModelBundle.Load(bundle).Metadata.Architecture);
    }

    [Theory]
    [InlineData("--arch", "resnet")]
    [InlineData("--optimizer", "adam")]
    [InlineData("--size", "32")] // too small for AlexNet
    public void BadArgumentsAreUsageErrors(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--data"] = "x.csv", ["--arch"] = "alexnet", ["--out"] = CliRunner.TempPath("o") };
        args[option] = value;
        var (code, _, stderr) = CliRunner.Run(["train", .. args.SelectMany(p => new[] { p.Key, p.Value })]);
        Assert.Equal(2, code);
        Assert.StartsWith("tbscreen: ", stderr);
    }

    [Fact]
    public void ResumeContinuesOnTheRunsOwnSplitAndRefusesOtherOptions()
    {
        string manifest = TinyManifest();
        string folder = Path.GetDirectoryName(manifest)!;
        string splitFile = Path.Combine(folder, "halves.csv");
        File.WriteAllLines(splitFile, ["split,file,label,source", .. Enumerable.Range(0, 12).Select(i => $"{(i < 6 ? "train" : "val")},i{i}.png,{i % 2},synthetic")]);
        string outDir = Path.Combine(folder, "run");
        string[] run = ["train", "--data", manifest, "--arch", "googlenet", "--out", outDir, "--epochs", "1", "--size", "32", "--batch", "4", "--threads", "1"];
        var (code, _, stderr) = CliRunner.Run([.. run, "--split-file", splitFile]);
        Assert.True(code == 0, stderr);

        // Without --split-file the resumed run reads the split it wrote; a new seeded 70/15/15 split would not match.
        (code, var stdout, stderr) = CliRunner.Run([.. run, "--resume"]);
        Assert.True(code == 0, stderr);
        Assert.Contains("already complete", stdout);

        (code, _, stderr) = CliRunner.Run([.. run, "--resume", "--lr", "0.5"]);
        Assert.Equal(2, code);
        Assert.Contains($"cannot resume the training run in {outDir}", stderr);
        Assert.Contains("learningRate: null then, 0.5 now", stderr);
    }

    [Fact]
    public void ALeaveOneSourceOutRunIsExportedWithoutTheSourceItLeftOut()
    {
        // Regression: the run's split.csv lists every source, so export-onnx chose the thresholds and reported the
        // validation metrics on the left-out hospital's validation images too.
        string manifest = TinyManifest(24, i => i < 12 ? "kept" : "leftout");
        string folder = Path.GetDirectoryName(manifest)!;
        string splitFile = Path.Combine(folder, "split-both.csv");
        File.WriteAllLines(splitFile, ["split,file,label,source",
            .. Enumerable.Range(0, 24).Select(i => $"{(i % 12 < 4 ? "train" : i % 12 < 8 ? "val" : "test")},i{i}.png,{i % 2},{(i < 12 ? "kept" : "leftout")}")]);
        string outDir = Path.Combine(folder, "loso");
        var (code, stdout, stderr) = CliRunner.Run("train", "--data", manifest, "--split-file", splitFile, "--exclude-source", "leftout",
            "--arch", "googlenet", "--out", outDir, "--epochs", "1", "--size", "32", "--batch", "4", "--threads", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("train 4 (2 TB), val 4 (2 TB)", stdout);

        string bundle = Path.Combine(outDir, "bundle");
        (code, _, stderr) = CliRunner.Run("export-onnx", Path.Combine(outDir, "best.pt"), "--out", bundle);
        Assert.True(code == 0, stderr);
        var training = TbScreen.Inference.Bundles.ModelBundle.Load(bundle).Metadata.Training!;
        Assert.Equal(4, training.ValidationCount);
        Assert.Equal(new Dictionary<string, int> { ["kept"] = 8 }, training.CasesBySource); // train + validation
        Assert.Contains("left out of training and validation: leftout", training.Notes);

        // prune retrains and reports on the same split: without the left-out source, and its bundle says so. The
        // tolerance accepts any AUC: this test is about the split, and a 1-epoch net on 4 validation images can lose
        // more than the default 0.01 (dropout draws from torch's global generator, shared with parallel tests), which
        // left no bundle to read in one CI run.
        string pruned = Path.Combine(outDir, "prune");
        (code, stdout, stderr) = CliRunner.Run("prune", "--model", Path.Combine(outDir, "last.pt"), "--data", manifest, "--method", "finetune",
            "--retrain-epochs", "1", "--rounds", "1", "--latency-runs", "1", "--threads", "1", "--accuracy-tolerance", "1", "--out", pruned);
        Assert.True(code == 0, stderr);
        Assert.Contains("preprocessing 12/12", stdout); // train, validation and test of the kept source
        var prunedTraining = TbScreen.Inference.Bundles.ModelBundle.Load(Path.Combine(pruned, "bundle")).Metadata.Training!;
        Assert.Equal((4, 4), (prunedTraining.TrainCount, prunedTraining.ValidationCount));
        Assert.Contains("left out of training and validation: leftout", prunedTraining.Notes);

        // Told the data again, without the left-out source, the export has nothing to leave out and agrees.
        string keptOnly = Path.Combine(folder, "kept.csv");
        File.WriteAllLines(keptOnly, File.ReadAllLines(manifest).Where(l => !l.EndsWith(",leftout", StringComparison.Ordinal)));
        string keptSplit = Path.Combine(folder, "split-kept.csv");
        File.WriteAllLines(keptSplit, File.ReadAllLines(splitFile).Where(l => !l.EndsWith(",leftout", StringComparison.Ordinal)));
        (code, _, stderr) = CliRunner.Run("export-onnx", Path.Combine(outDir, "best.pt"), "--out", bundle + "2", "--data", keptOnly, "--split-file", keptSplit);
        Assert.True(code == 0, stderr);
        Assert.Equal(4, TbScreen.Inference.Bundles.ModelBundle.Load(bundle + "2").Metadata.Training!.ValidationCount);
    }

    [Fact]
    public void MissingManifestIsInvalidInput()
    {
        var (code, _, stderr) = CliRunner.Run("train", "--data", "/no/such/manifest.csv", "--arch", "googlenet", "--out", CliRunner.TempPath("o"), "--size", "32");
        Assert.Equal(2, code);
        Assert.Contains("no such manifest", stderr);
    }
}
