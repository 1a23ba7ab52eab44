using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Cli.Tests;

/// <summary>`import-bundle` proves the imported net on real images before writing it, and refuses what it cannot import.</summary>
public sealed class ImportBundleCommandTests
{
    private static string Models => Path.Combine(SharedDicomData.RepositoryRoot, "models");

    [SkippableFact]
    public void A_float32_bundle_is_written_after_parity_on_real_images_and_an_int8_bundle_is_refused_by_name()
    {
        string manifest = Path.Combine(SharedDicomData.SharedDataFolder, "cxr", "manifest.csv");
        SharedDicomData.Require(manifest);
        string[] data = ["--data", manifest, "--split", "test", "--split-file", Path.Combine(Models, "split.csv")];

        string checkpoint = CliRunner.TempPath("alexnet.pt");
        var (code, stdout, stderr) = CliRunner.Run(["import-bundle", Path.Combine(Models, "alexnet"), "--out", checkpoint, .. data]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("max |P_torch - P_onnx|", stdout);
        Assert.Contains("on 4 images", stdout);
        Assert.True(File.Exists(checkpoint) && File.Exists(Path.ChangeExtension(checkpoint, ".json")));

        string refused = CliRunner.TempPath("int8.pt");
        (code, _, stderr) = CliRunner.Run(["import-bundle", Path.Combine(Models, "alexnet-int8"), "--out", refused, .. data]);
        Assert.Equal(ExitCodes.ModelError, code);
        Assert.Contains("alexnet-int8", stderr);
        Assert.Contains("is INT8", stderr);
        Assert.False(File.Exists(refused));
    }

    [Fact]
    public void Quantize_report_pgd_settings_are_checked_before_any_model_is_loaded()
    {
        string manifest = CliRunner.TempPath("manifest.csv");
        File.WriteAllText(manifest, "file,label,split\n");
        var (code, _, stderr) = CliRunner.Run("quantize-report", "--data", manifest, "--out", CliRunner.TempPath("q"), "--pgd", "--pgd-steps", "0");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("PGD needs steps >= 1", stderr);
    }
}
