using System.Text.Json;
using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Cli.Tests;

/// <summary>`quantize-report --qdq-arithmetic` measures the INT8 ensembles as their graphs define them, and says so, with and without --pgd.</summary>
public sealed class QuantizeReportCommandTests
{
    [Fact]
    public void In_qdq_arithmetic_the_report_says_how_int8_was_computed()
    {
        string root = SharedDicomData.RepositoryRoot;
        var (folder, manifest) = SampleManifest("qdq-report", 4);
        string[] common = ["quantize-report", "--models", Path.Combine(root, "models"), "--data", manifest, "--pairs", "ensemble.json:ensemble-avx2-int8.json", "--stability-eps", "0"];

        var (code, stdout, stderr) = CliRunner.Run([.. common, "--qdq-arithmetic", "--out", Path.Combine(folder, "qdq")]);
        Assert.True(code == 0, stderr);
        Assert.Contains("4 images, split 'test'; INT8 in QDQ arithmetic (graph optimisations off", stdout);
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "qdq", "quantization.json"))))
        {
            Assert.StartsWith("in QDQ arithmetic", report.RootElement.GetProperty("int8Arithmetic").GetString());
        }

        (code, stdout, stderr) = CliRunner.Run([.. common, "--out", Path.Combine(folder, "kernels")]);
        Assert.True(code == 0, stderr);
        Assert.Contains("INT8 through this CPU's fused integer kernels (VNNI: ", stdout);
    }

    /// <summary>
    /// Regression: with --pgd the flag was refused (before that, silently ignored) and the attack's INT8 forward always
    /// ran through this CPU's kernels. Now it reaches the attack, and the report and the output say so.
    /// </summary>
    [Fact]
    public void With_pgd_the_qdq_arithmetic_flag_reaches_the_attack_and_its_report()
    {
        string root = SharedDicomData.RepositoryRoot;
        var (folder, manifest) = SampleManifest("qdq-pgd", 2);

        var (code, stdout, stderr) = CliRunner.Run("quantize-report", "--models", Path.Combine(root, "models"), "--data", manifest,
            "--pairs", "ensemble-pruned.json:ensemble-pruned-avx2-int8.json", "--pgd", "--pgd-steps", "1", "--lip-steps", "1", "--batch", "2",
            "--qdq-arithmetic", "--out", Path.Combine(folder, "pgd"));

        Assert.True(code == 0, stderr);
        Assert.Contains("in QDQ arithmetic (graph optimisations off", stdout);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "pgd", "quantization-pgd.json")));
        Assert.StartsWith("in QDQ arithmetic", report.RootElement.GetProperty("settings").GetProperty("int8Arithmetic").GetString());
    }

    /// <summary>A temp folder with a manifest of the first <paramref name="count"/> sample DICOMs, labels alternating, all in split test.</summary>
    private static (string Folder, string Manifest) SampleManifest(string name, int count)
    {
        string folder = CliRunner.TempPath(name);
        Directory.CreateDirectory(folder);
        string manifest = Path.Combine(folder, "manifest.csv");
        var samples = Directory.GetFiles(Path.Combine(SharedDicomData.RepositoryRoot, "samples"), "*.dcm").Order().Take(count).ToArray();
        File.WriteAllLines(manifest, samples.Select((path, i) => $"{path},{i % 2},test").Prepend("file,label,split"));
        return (folder, manifest);
    }
}
