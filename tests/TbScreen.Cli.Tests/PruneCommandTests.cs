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
}
