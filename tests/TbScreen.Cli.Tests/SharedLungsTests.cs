using System.Text.Json;
using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Cli.Tests;

/// <summary>
/// The shipped models/lungs on the Shenzhen test split's masks (../shared/data/shenzhen, read in place, never copied):
/// mean Dice at the original 512x512 must reach 0.95. Skips with the folder's name when the data is absent, fails under CI=true.
/// </summary>
public sealed class SharedLungsTests
{
    [SkippableFact]
    public void The_shipped_lung_bundle_reaches_Dice_095_on_the_Shenzhen_test_masks()
    {
        string shenzhen = Path.Combine(SharedDicomData.SharedDataFolder, "shenzhen");
        string manifest = Path.Combine(shenzhen, "manifest.csv");
        SharedDicomData.Require(manifest, Path.Combine(shenzhen, "masks"));

        string models = Path.Combine(SharedDicomData.RepositoryRoot, "models");
        string report = CliRunner.TempPath("lungs-test.json");

        var (code, stdout, stderr) = CliRunner.Run("segment", "--evaluate", manifest, "--split-file", Path.Combine(models, "lungs", "split.csv"),
            "--split", "test", "--models", models, "--out", report);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var dice = json.RootElement.GetProperty("dice");
        Assert.Equal(66, dice.GetProperty("count").GetInt32());
        Assert.True(dice.GetProperty("mean").GetDouble() >= 0.95, stdout);
    }
}
