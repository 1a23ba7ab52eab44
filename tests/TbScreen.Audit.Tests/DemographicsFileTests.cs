using TbScreen.Cli;

namespace TbScreen.Audit.Tests;

public sealed class DemographicsFileTests
{
    [Fact]
    public void Screening_a_demographics_file_without_images_fails_with_a_pointer_to_demographics_only()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tbscreen-audit-demo", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "demographics.csv");
        File.WriteAllLines(path, ["original_id,label,sex,age", "case1,1,M,40", "case2,0,F,12"]);
        var stderr = new StringWriter();
        int code = TbScreenCli.Run(["audit", "--data", path, "--by", "sex,age", "--out", Path.Combine(dir, "out")], new StringWriter(), stderr);
        Assert.Equal(2, code);
        Assert.Contains("demographics.csv", stderr.ToString());
        Assert.Contains("--demographics-only", stderr.ToString());
        Assert.False(File.Exists(Path.Combine(dir, "out", "fairness.json")));

        Assert.Equal(0, TbScreenCli.Run(["audit", "--demographics-only", "--data", path, "--by", "sex,age", "--min-group", "1", "--out", Path.Combine(dir, "out")], new StringWriter(), stderr));
        Assert.True(File.Exists(Path.Combine(dir, "out", "fairness.json")));
    }
}
