using System.Globalization;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Cli.Tests;

/// <summary>`--site-profile site.json` on evaluate and screen: the file's threshold replaces ensemble.json's 0.5.</summary>
public class SiteProfileOptionTests
{
    private static readonly double[] Brightness = [1.0, 0.95, 0.9, 0.5, 0.45, 0.4];

    [Fact]
    public void Evaluate_decides_at_the_profiles_threshold_exactly()
    {
        string models = TestBundles.WriteEnsemble();
        string manifest = WriteManifest(TestBundles.TempDirectory());
        var shipped = Predictions(RunEvaluate(manifest, models, null).OutDir);
        // The third-highest score, as evaluate wrote it (round-trip format): the top three are tb at it, the rest not.
        double[] scores = shipped.Select(r => r.Score).OrderDescending().ToArray();
        double threshold = scores[2];
        Assert.True(scores[3] < threshold);
        string site = WriteSiteJson(threshold, "\"site\": \"North\", \"version\": 2, ");

        var (stdout, outDir) = RunEvaluate(manifest, models, site);

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"decisions by site profile North v2 (threshold {threshold:0.####}, {site})"), stdout);
        var rows = Predictions(outDir);
        Assert.Equal(shipped.Select(r => r.Score), rows.Select(r => r.Score)); // same scores, another threshold
        Assert.Equal(3, rows.Count(r => r.Decision));
        Assert.All(rows, r => Assert.Equal(r.Score >= threshold, r.Decision));
        Assert.NotEqual(shipped.Select(r => r.Decision), rows.Select(r => r.Decision));
    }

    [Fact]
    public void Screen_rows_say_which_profile_decided_and_at_which_threshold()
    {
        string models = TestBundles.WriteEnsemble();
        string folder = TestBundles.TempDirectory();
        for (int i = 0; i < Brightness.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"img{i}.png"), PhantomImages.PngBytes(Brightness[i], seed: i + 1));
        }

        // A site.json as site-calibrate wrote it before profiles: no site name, so the file name stands in.
        string site = WriteSiteJson(0.2, "", "clinic.json");
        string results = Path.Combine(TestBundles.TempDirectory(), "results.csv");
        var (code, _, stderr) = CliRunner.Run("screen", folder, "--models", models, "--out", results, "--site-profile", site);

        Assert.True(code == 0, stderr);
        Assert.Contains($"tbscreen: decisions by site profile clinic v1 (threshold 0.2, {site})", stderr);
        var table = File.ReadAllLines(results).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(Brightness.Length, table.Length);
        int ensemble = 6, decision = 7, decidedBy = 12, threshold = 13;
        Assert.All(table, r =>
        {
            Assert.Equal(("clinic v1", "0.2"), (r[decidedBy], r[threshold]));
            Assert.Equal(double.Parse(r[ensemble], CultureInfo.InvariantCulture) >= 0.2 ? "tb" : "not-tb", r[decision]);
        });

        var (_, plain, _) = CliRunner.Run("screen", Path.Combine(folder, "img0.png"), "--models", models);
        Assert.DoesNotContain("decided-by", plain);
        var (_, decided, _) = CliRunner.Run("screen", Path.Combine(folder, "img0.png"), "--models", models, "--site-profile", site);
        Assert.Contains("decided-by=\"clinic v1\" threshold=0.2000", decided);
    }

    [Fact]
    public void A_database_that_holds_shipped_decisions_does_not_answer_for_a_profile()
    {
        string models = TestBundles.WriteEnsemble();
        string folder = TestBundles.TempDirectory();
        for (int i = 0; i < Brightness.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"img{i}.png"), PhantomImages.PngBytes(Brightness[i], seed: i + 1));
        }

        // Both runs share tbscreen.db beside the outputs: the first stores every image decided at the shipped 0.5.
        string outDir = TestBundles.TempDirectory();
        string shipped = Path.Combine(outDir, "shipped.csv"), sited = Path.Combine(outDir, "sited.csv");
        Assert.Equal(0, CliRunner.Run("screen", folder, "--models", models, "--out", shipped).ExitCode);
        var (code, _, stderr) = CliRunner.Run("screen", folder, "--models", models, "--out", sited, "--site-profile", WriteSiteJson(0.2, "", "clinic.json"));

        Assert.True(code == 0, stderr);
        var rows = File.ReadAllLines(sited).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.All(rows, r =>
        {
            Assert.Equal(("clinic v1", "0.2"), (r[12], r[13]));
            Assert.EndsWith("+site@clinic v1:0.2", r[10], StringComparison.Ordinal);
            Assert.Equal(double.Parse(r[6], CultureInfo.InvariantCulture) >= 0.2 ? "tb" : "not-tb", r[7]);
        });
        Assert.All(File.ReadAllLines(shipped).Skip(1).Select(l => l.Split(',')), r => Assert.Equal(("shipped threshold", "0.5"), (r[12], r[13])));
    }

    [Fact]
    public void Site_calibrate_writes_the_site_version_and_sample_hash_beside_the_old_fields()
    {
        // Positives 0.9, 0.8, 0.6, 0.4, negatives 0.7, 0.3, 0.2, 0.1: for sensitivity 0.75 the threshold is 0.6.
        string predictions = CliRunner.TempPath("predictions.csv");
        File.WriteAllText(predictions, "file,label,source,alexnet,googlenet,ensemble,decision,flags\n" + string.Concat(
            new[] { (0.9, 1), (0.8, 1), (0.6, 1), (0.4, 1), (0.7, 0), (0.3, 0), (0.2, 0), (0.1, 0) }.Select((c, i) =>
                string.Create(CultureInfo.InvariantCulture, $"f{i}.png,{c.Item2},s,{c.Item1},{c.Item1},{c.Item1},0,\n"))));
        string site = Path.Combine(Path.GetDirectoryName(predictions)!, "site.json");

        var (code, _, stderr) = CliRunner.Run("site-calibrate", "--scores", predictions, "--target-sensitivity", "0.75", "--out", site, "--site", "North", "--bootstrap", "50");

        Assert.True(code == 0, stderr);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(site));
        var root = json.RootElement;
        Assert.Equal((0.6, 0.75, 0.75, 4, 4), (root.GetProperty("threshold").GetDouble(), root.GetProperty("sensitivity").GetDouble(),
            root.GetProperty("specificity").GetDouble(), root.GetProperty("positives").GetInt32(), root.GetProperty("negatives").GetInt32()));
        Assert.Equal(("North", 1), (root.GetProperty("site").GetString(), root.GetProperty("version").GetInt32()));
        string sorted = "0.1,0\n0.2,0\n0.3,0\n0.4,1\n0.6,1\n0.7,0\n0.8,1\n0.9,1";
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sorted))), root.GetProperty("sampleSha256").GetString());
    }

    [Theory]
    [InlineData("{\"n\": 10}", "has no \"threshold\" (write it with tbscreen site-calibrate)")]
    [InlineData("{\"threshold\": 1.5}", "threshold 1.5 is not in [0, 1]")]
    [InlineData("[1, 2]", "not a JSON object")]
    public void A_bad_site_json_is_an_input_error_naming_the_file(string json, string reason)
    {
        string path = CliRunner.TempPath("site.json");
        File.WriteAllText(path, json);
        var (code, _, stderr) = CliRunner.Run("screen", "x.png", "--site-profile", path);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal($"tbscreen: {path}: {reason}", stderr.Trim());
    }

    private static (string Stdout, string OutDir) RunEvaluate(string manifest, string models, string? site)
    {
        string outDir = Path.Combine(TestBundles.TempDirectory(), "eval");
        string[] args = ["evaluate", "--data", manifest, "--models", models, "--out", outDir, .. site is null ? Array.Empty<string>() : ["--site-profile", site]];
        var (code, stdout, stderr) = CliRunner.Run(args);
        Assert.True(code == 0, stderr);
        return (stdout, outDir);
    }

    private static (double Score, bool Decision)[] Predictions(string outDir)
    {
        var lines = File.ReadAllLines(Path.Combine(outDir, "predictions.csv"));
        var header = lines[0].Split(',');
        int ensemble = Array.IndexOf(header, "ensemble"), decision = Array.IndexOf(header, "decision");
        return lines.Skip(1).Select(l => l.Split(',')).Select(f => (double.Parse(f[ensemble], CultureInfo.InvariantCulture), f[decision] == "1")).ToArray();
    }

    private static string WriteSiteJson(double threshold, string extra, string name = "site.json")
    {
        string path = CliRunner.TempPath(name);
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{{ {extra}\"n\": 60, \"positives\": 30, \"negatives\": 30, \"targetSensitivity\": 0.9, \"threshold\": {threshold:R}, \"sensitivity\": 0.9, \"specificity\": 0.7 }}"));
        return path;
    }

    private static string WriteManifest(string dir)
    {
        var lines = new List<string> { "file,label,sex,age,source" };
        for (int i = 0; i < Brightness.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(dir, $"img{i}.png"), PhantomImages.PngBytes(Brightness[i], seed: i + 1));
            lines.Add($"img{i}.png,{(i < 3 ? 1 : 0)},,,s");
        }

        string path = Path.Combine(dir, "manifest.csv");
        File.WriteAllLines(path, lines);
        return path;
    }
}
