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
        var (report, stdout) = EvaluateTestMasks();
        using var json = report;
        var dice = json.RootElement.GetProperty("dice");
        Assert.Equal(66, dice.GetProperty("count").GetInt32());
        Assert.True(dice.GetProperty("mean").GetDouble() >= 0.95, stdout);
    }

    /// <summary>
    /// The shipped bundle under the stress conditions that imitate another hospital's films: every condition keeps a
    /// mean Dice of at least 0.945 on the Shenzhen test masks with at most one image "lungs not found", and the
    /// unchanged condition reproduces the bundle's recorded test Dice. Lungs 1.0.0 fails this (zoom-out: 0.932 with
    /// 7 images not found); 1.1.0 was trained for it (docs/segmentation.md).
    /// </summary>
    [SkippableFact]
    public void The_shipped_lung_bundle_holds_its_Dice_under_other_hospitals_film_changes()
    {
        var (report, stdout) = EvaluateTestMasks("--stress");
        using var json = report;
        var rows = json.RootElement.GetProperty("conditions").EnumerateArray().ToList();
        Assert.Equal(9, rows.Count);
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(Models, "lungs", "metadata.json")));
        double recorded = metadata.RootElement.GetProperty("testDice").GetProperty("mean").GetDouble();
        Assert.Equal(recorded, rows[0].GetProperty("dice").GetProperty("mean").GetDouble(), 4);
        foreach (var row in rows)
        {
            string name = row.GetProperty("condition").GetString()!;
            Assert.True(row.GetProperty("dice").GetProperty("mean").GetDouble() >= 0.945, $"{name}: {stdout}");
            Assert.True(row.GetProperty("lungsNotFound").GetInt32() <= 1, $"{name}: {stdout}");
        }
    }

    private static string Models => Path.Combine(SharedDicomData.RepositoryRoot, "models");

    /// <summary>`segment --evaluate` of the shipped bundle on the Shenzhen test masks: the JSON report and stdout.</summary>
    private static (JsonDocument Report, string Stdout) EvaluateTestMasks(params string[] options)
    {
        string shenzhen = Path.Combine(SharedDicomData.SharedDataFolder, "shenzhen");
        string manifest = Path.Combine(shenzhen, "manifest.csv");
        SharedDicomData.Require(manifest, Path.Combine(shenzhen, "masks"));
        string report = CliRunner.TempPath("lungs-test.json");

        var (code, stdout, stderr) = CliRunner.Run(["segment", "--evaluate", manifest, "--split-file", Path.Combine(Models, "lungs", "split.csv"),
            "--split", "test", .. options, "--models", Models, "--out", report]);

        Assert.True(code == 0, stderr);
        return (JsonDocument.Parse(File.ReadAllText(report)), stdout);
    }
}
