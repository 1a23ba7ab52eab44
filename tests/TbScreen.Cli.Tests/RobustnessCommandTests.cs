namespace TbScreen.Cli.Tests;

public sealed class RobustnessCommandTests
{
    [Fact]
    public void The_parity_tolerance_option_reaches_the_options_check()
    {
        // Validated before any data or model is read, so a bad value costs nothing and names the rule.
        var (code, _, stderr) = CliRunner.Run("robustness", "--data", CliRunner.TempPath("none.csv"), "--out", CliRunner.TempPath("robust"), "--parity-tolerance", "0");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Parity tolerance must be positive", stderr);
    }
}
