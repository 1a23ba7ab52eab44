namespace TbScreen.Cli.Tests;

public sealed class CompareCommandTests
{
    private const string Header = "file,label,source,alexnet,ensemble";

    [Fact]
    public void Prints_the_paired_difference_within_each_two_class_source()
    {
        string a = CliRunner.TempPath("compare-a.csv");
        string b = CliRunner.TempPath("compare-b.csv");
        // A ranks every TB above every normal; B ranks one pair wrongly: AUC 1 vs 0.75 on 2 TB + 2 normal.
        File.WriteAllLines(a, [Header, "t1,1,shenzhen,0.9,0.9", "t2,1,shenzhen,0.8,0.8", "n1,0,shenzhen,0.2,0.2", "n2,0,shenzhen,0.1,0.1", "x,0,nih,0.3,0.3"]);
        File.WriteAllLines(b, [Header, "n2,0,shenzhen,0.1,0.1", "t1,1,shenzhen,0.9,0.9", "n1,0,shenzhen,0.7,0.7", "t2,1,shenzhen,0.6,0.6", "x,0,nih,0.3,0.3"]);

        var (code, stdout, stderr) = CliRunner.Run("compare", a, b);

        Assert.True(code == 0, stderr);
        Assert.Contains("5 images in both", stdout);
        Assert.Contains("shenzhen: n 4 (2 TB): AUC A 1.000 vs B 0.750, difference +0.250", stdout);
        Assert.Contains("not compared: nih: 1 images of one class", stdout);
    }

    [Fact]
    public void Sources_of_one_class_only_are_not_compared_and_exit_2()
    {
        string a = CliRunner.TempPath("compare-one-class.csv");
        File.WriteAllLines(a, [Header, "t1,1,tbx11k,0.9,0.9", "n1,0,nih,0.2,0.2"]);

        var (code, _, stderr) = CliRunner.Run("compare", a, a);

        Assert.Equal(2, code);
        Assert.Contains("no source holds both classes", stderr);
        Assert.Contains("no 'ensemble2' column", CliRunner.Run("compare", a, a, "--column", "ensemble2").Stderr);
    }
}
