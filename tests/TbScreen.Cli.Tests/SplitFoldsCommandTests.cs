using TbScreen.Dicom.Samples;
using TbScreen.Imaging;

namespace TbScreen.Cli.Tests;

public sealed class SplitFoldsCommandTests
{
    /// <summary>20 phantom PNGs, alternating labels, one source: 12 train, 4 validation, 4 test.</summary>
    private static (string Manifest, string Split) TinyData()
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
