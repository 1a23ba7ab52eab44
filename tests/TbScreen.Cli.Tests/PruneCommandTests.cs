using TbScreen.Training.Training;

namespace TbScreen.Cli.Tests;

public sealed class PruneCommandTests
{
    /// <summary>A checkpoint sidecar (T = 12) beside a placeholder .pt: enough for the checks made before any data loads.</summary>
    private static string Checkpoint()
    {
        string checkpoint = CliRunner.TempPath("last.pt");
        File.WriteAllBytes(checkpoint, [0]);
        var options = new TrainingOptions { Epochs = 12, Optimizer = OptimizerKind.AdamW };
        TrainingJson.Write(Path.ChangeExtension(checkpoint, ".json"), new CheckpointSidecar("last.pt", "alexnet", 12, 0, null, 1, options, "test", DateTimeOffset.UnixEpoch));
        string folder = Path.GetDirectoryName(checkpoint)!;
        File.WriteAllText(Path.Combine(folder, "manifest.csv"), "file,label\n");
        File.WriteAllText(Path.Combine(folder, "split.csv"), "split,file,label,source\n");
        return checkpoint;
    }

    [Fact]
    public void A_missing_rewind_checkpoint_is_named_with_the_train_command_that_makes_it()
    {
        string checkpoint = Checkpoint();
        string folder = Path.GetDirectoryName(checkpoint)!;
        var (code, _, stderr) = CliRunner.Run("prune", "--model", checkpoint, "--data", Path.Combine(folder, "manifest.csv"),
            "--method", "weight-rewind", "--retrain-epochs", "3", "--out", Path.Combine(folder, "out"));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains(Path.Combine(folder, "epoch-9.pt"), stderr); // k = T - t = 12 - 3
        Assert.Contains("--rewind-epochs 9", stderr);
        Assert.False(Directory.Exists(Path.Combine(folder, "out")), "nothing is written before the checks pass");
    }

    [Fact]
    public void Neither_k_nor_t_and_an_unknown_method_are_usage_errors()
    {
        string checkpoint = Checkpoint();
        string folder = Path.GetDirectoryName(checkpoint)!;
        var (code, _, stderr) = CliRunner.Run("prune", "--model", checkpoint, "--data", Path.Combine(folder, "manifest.csv"), "--out", folder);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--retrain-epochs", stderr);

        (code, _, stderr) = CliRunner.Run("prune", "--model", checkpoint, "--data", Path.Combine(folder, "manifest.csv"), "--method", "magic", "--rewind-epoch", "3", "--out", folder);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("magic", stderr);

        (code, _, stderr) = CliRunner.Run("prune", "--model", checkpoint, "--data", Path.Combine(folder, "manifest.csv"), "--rewind-epoch", "12", "--out", folder);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("T = 12", stderr);
    }

    [Fact]
    public void A_fixed_round_and_out_of_fold_thresholds_are_checked_before_any_data_loads()
    {
        string checkpoint = Checkpoint();
        string folder = Path.GetDirectoryName(checkpoint)!;
        string[] common = ["prune", "--model", checkpoint, "--data", Path.Combine(folder, "manifest.csv"), "--retrain-epochs", "3", "--out", Path.Combine(folder, "out")];

        var (code, _, stderr) = CliRunner.Run([.. common, "--method", "lr-rewind", "--oof", "a.csv"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--oof needs --round", stderr);

        (code, _, stderr) = CliRunner.Run([.. common, "--method", "lr-rewind,finetune", "--round", "1"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("one --method", stderr);

        (code, _, stderr) = CliRunner.Run([.. common, "--method", "lr-rewind", "--rounds", "2", "--round", "3"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("between 1 and --rounds (2)", stderr);
        Assert.False(Directory.Exists(Path.Combine(folder, "out")));
    }

    [Fact]
    public void A_final_model_without_validation_is_pruned_at_the_named_round_and_takes_out_of_fold_thresholds()
    {
        var (manifest, split) = SplitFoldsCommandTests.TinyData();
        string folder = Path.GetDirectoryName(manifest)!;
        var (code, _, stderr) = CliRunner.Run("split-folds", "--data", manifest, "--split-file", split, "--folds", "2", "--out", Path.Combine(folder, "cv"));
        Assert.True(code == 0, stderr);
        string final = Path.Combine(folder, "cv", "final.csv");
        (code, _, stderr) = CliRunner.Run("train", "--data", manifest, "--arch", "googlenet", "--out", Path.Combine(folder, "final"),
            "--epochs", "1", "--size", "32", "--batch", "4", "--threads", "1", "--split-file", final, "--no-validation");
        Assert.True(code == 0, stderr);
        // Out-of-fold scores of the pruned fold models, by hand, so the sensitivity-0.90 threshold is 0.50 and Youden
        // takes 0.55 (as in SplitFoldsCommandTests).
        string oof = SplitFoldsCommandTests.HandOutOfFold(folder, "googlenet-pruned");
        string outDir = Path.Combine(folder, "prune");

        (code, string stdout, stderr) = CliRunner.Run("prune", "--model", Path.Combine(folder, "final", "last.pt"), "--data", manifest, "--split-file", final,
            "--method", "lr-rewind", "--retrain-epochs", "1", "--rounds", "2", "--round", "1", "--latency-runs", "1", "--threads", "1",
            "--oof", oof, "--version", "2.0.0", "--out", outDir);

        Assert.True(code == 0, stderr);
        Assert.Contains("round 1 (fixed by --round)", stdout);
        Assert.Contains("no validation split", stdout);
        var metadata = TbScreen.Inference.Bundles.ModelBundle.Load(Path.Combine(outDir, "bundle")).Metadata;
        Assert.Equal(("googlenet-pruned", "2.0.0"), (metadata.Name, metadata.Version));
        Assert.Equal(1, metadata.Lineage!.Rounds);
        Assert.Equal(0.50, metadata.Thresholds!.Sensitivity90, 12);
        Assert.Equal(0.55, metadata.Thresholds.Youden, 12);
        Assert.Equal(63.0 / 64, Assert.Single(metadata.Metrics, m => m.Name == "auc" && m.Split == "out-of-fold/synthetic").Value!.Value, 12);
    }
}
