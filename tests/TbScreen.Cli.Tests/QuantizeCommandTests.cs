using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Cli.Tests;

/// <summary>`quantize` and `quantize-rebuild` refuse bad input with one line that names the file and the reason.</summary>
public sealed class QuantizeCommandTests
{
    private static string Models => Path.Combine(SharedDicomData.RepositoryRoot, "models");

    [Fact]
    public void A_missing_bundle_is_a_model_error_naming_the_folder()
    {
        string missing = CliRunner.TempPath("no-such-bundle");
        var (code, _, stderr) = CliRunner.Run("quantize", "--model", missing, "--data", "manifest.csv", "--out", CliRunner.TempPath("out"));

        Assert.Equal(ExitCodes.ModelError, code);
        Assert.Contains(missing, stderr);
        Assert.Contains("metadata.json not found", stderr);
    }

    [Fact]
    public void An_unknown_method_or_activation_type_is_a_usage_error()
    {
        var (code, _, stderr) = CliRunner.Run("quantize", "--model", Path.Combine(Models, "alexnet"), "--data", "m.csv", "--out", CliRunner.TempPath("out"), "--method", "kl");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--method 'kl' is not one of minmax, percentile, entropy", stderr);

        (code, _, stderr) = CliRunner.Run("quantize", "--model", Path.Combine(Models, "alexnet"), "--data", "m.csv", "--out", CliRunner.TempPath("out"), "--activations", "u4");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--activations 'u4' is not u8 or s8", stderr);
    }

    [Fact]
    public void An_int8_bundle_is_not_quantised_twice_and_a_float_bundle_cannot_be_rebuilt()
    {
        string int8 = Path.Combine(Models, "googlenet-int8");
        var (code, _, stderr) = CliRunner.Run("quantize", "--model", int8, "--data", "m.csv", "--out", CliRunner.TempPath("out"));
        Assert.Equal(ExitCodes.ModelError, code);
        Assert.Contains(int8, stderr);

        string fp32 = Path.Combine(Models, "googlenet");
        (code, _, stderr) = CliRunner.Run("quantize-rebuild", fp32);
        Assert.Equal(ExitCodes.ModelError, code);
        Assert.Contains($"{fp32}: metadata.json has no quantization section", stderr);
    }
}
