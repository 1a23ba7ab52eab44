using System.Text.Json;
using TbScreen.Cli;

namespace TbScreen.Audit.Tests;

public sealed class AuditCliTests
{
    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = TbScreenCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tbscreen-audit-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>predictions.csv as `tbscreen evaluate` writes it: sites a (TB and not) and b (not TB only).</summary>
    private static string WritePredictions(string dir)
    {
        var lines = new List<string> { "file,label,source,alexnet,googlenet,ensemble,decision,flags" };
        for (int i = 0; i < 40; i++)
        {
            bool tb = i % 2 == 0;
            double score = tb ? 0.55 + (i % 9) / 20.0 : 0.05 + (i % 7) / 20.0;
            lines.Add($"\"img{i}.png\",{(tb ? 1 : 0)},a,{score},{score},{score},{(score >= 0.5 ? 1 : 0)},");
        }

        for (int i = 40; i < 70; i++)
        {
            double score = 0.1 + (i % 10) / 15.0;
            lines.Add($"img{i}.png,0,b,{score},{score},{score},{(score >= 0.5 ? 1 : 0)},");
        }

        string path = Path.Combine(dir, "predictions.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>Sex and age only for site b's negatives, as in the development data.</summary>
    private static string WriteManifest(string dir)
    {
        var lines = new List<string> { "file,label,sex,age,source" };
        lines.AddRange(Enumerable.Range(0, 40).Select(i => $"img{i}.png,{(i % 2 == 0 ? 1 : 0)},,,a"));
        lines.AddRange(Enumerable.Range(40, 30).Select(i => $"img{i}.png,0,{(i % 2 == 0 ? "M" : "F")},{i},b"));
        string path = Path.Combine(dir, "manifest.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Audit_of_a_predictions_file_writes_json_csv_and_a_self_contained_report()
    {
        string dir = TempDir();
        string outDir = Path.Combine(dir, "audit");
        var (code, stdout, stderr) = Run("audit", "--scores", WritePredictions(dir), "--data", WriteManifest(dir), "--by", "sex,age,site", "--out", outDir, "--min-group", "10", "--bootstrap", "200", "--seed", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("audited 70 cases", stdout, StringComparison.Ordinal);
        foreach (string file in new[] { "fairness.json", "groups.csv", "gaps.csv", "thresholds.csv", "report.html" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "fairness.json")));
        var groups = json.RootElement.GetProperty("groups").EnumerateArray().ToList();
        var siteA = groups.Single(g => g.GetProperty("attribute").GetString() == "site" && g.GetProperty("value").GetString() == "a");
        Assert.Equal(40, siteA.GetProperty("n").GetInt32());
        Assert.Equal(0.5, siteA.GetProperty("prevalence").GetDouble(), 9);
        var siteB = groups.Single(g => g.GetProperty("attribute").GetString() == "site" && g.GetProperty("value").GetString() == "b");
        Assert.Equal(JsonValueKind.Null, siteB.GetProperty("auc").ValueKind);
        Assert.Contains(json.RootElement.GetProperty("dataCaveats").EnumerateArray(), c => c.GetString()!.Contains("only for negatives", StringComparison.Ordinal));

        string html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("Research use only", html, StringComparison.Ordinal);

        // Issue 17: every file of the report states the PS3.15 profile it follows; the CSVs in their first line.
        const string profile = "De-identified under DICOM PS3.15 Annex E, Basic Application Level Confidentiality Profile";
        foreach (string csv in new[] { "groups.csv", "gaps.csv", "thresholds.csv" })
        {
            Assert.StartsWith("# " + profile, File.ReadLines(Path.Combine(outDir, csv)).First(), StringComparison.Ordinal);
        }

        Assert.StartsWith(profile, json.RootElement.GetProperty("deidentification").GetString(), StringComparison.Ordinal);
        Assert.Contains(profile, html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
        Assert.StartsWith("attribute,group,reference,metric,value,ci_low,ci_high,minimum_detectable_difference", File.ReadLines(Path.Combine(outDir, "gaps.csv")).ElementAt(1), StringComparison.Ordinal);

        // Same seed, same files.
        string again = Path.Combine(dir, "again");
        Run("audit", "--scores", Path.Combine(dir, "predictions.csv"), "--data", Path.Combine(dir, "manifest.csv"), "--by", "sex,age,site", "--out", again, "--min-group", "10", "--bootstrap", "200", "--seed", "1");
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "gaps.csv")), File.ReadAllText(Path.Combine(again, "gaps.csv")));
    }

    [Fact]
    public void Demographics_only_reports_group_composition()
    {
        string dir = TempDir();
        string demographics = Path.Combine(dir, "shenzhen.csv");
        File.WriteAllLines(demographics, ["original_id,label,sex,age", "CHN_1,1,M,45", "CHN_2,0,F,14", "CHN_3,1,F,", "CHN_4,0,M,70"]);
        var (code, stdout, stderr) = Run("audit", "--data", demographics, "--demographics-only", "--by", "sex,age", "--out", Path.Combine(dir, "out"));
        Assert.True(code == 0, stderr);
        Assert.Contains("composition of 4 cases", stdout, StringComparison.Ordinal);
        string csv = File.ReadAllText(Path.Combine(dir, "out", "groups.csv"));
        Assert.Contains("sex,F,2,1,0.5,true", csv, StringComparison.Ordinal);
        Assert.Contains("age,unknown,1,1,1,true", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Demographics_come_from_an_nlm_folder_as_distributed()
    {
        string dir = TempDir();
        string set = Path.Combine(dir, "MontgomerySet");
        Directory.CreateDirectory(Path.Combine(set, "CXR_png"));
        Directory.CreateDirectory(Path.Combine(set, "ClinicalReadings"));
        (string Stem, string Readings)[] cases =
        [
            ("MCUCXR_0001_1", "Patient's Sex: M\nPatient's Age: 045Y\n"),
            ("MCUCXR_0002_0", "Patient's Sex: F\nPatient's Age: 014Y\n"),
            ("MCUCXR_0003_1", "Patient's Sex: F\n"),
            ("MCUCXR_0004_0", "Patient's Sex: M\nPatient's Age: 070Y\n"),
        ];
        foreach (var (stem, readings) in cases)
        {
            File.WriteAllBytes(Path.Combine(set, "CXR_png", stem + ".png"), []);
            File.WriteAllText(Path.Combine(set, "ClinicalReadings", stem + ".txt"), readings);
        }

        var (code, stdout, stderr) = Run("audit", "--data", set, "--demographics-only", "--by", "sex,age", "--out", Path.Combine(dir, "out"));

        Assert.True(code == 0, stderr);
        Assert.Contains("composition of 4 cases", stdout, StringComparison.Ordinal);
        string csv = File.ReadAllText(Path.Combine(dir, "out", "groups.csv"));
        Assert.Contains("sex,F,2,1,0.5,true", csv, StringComparison.Ordinal);
        Assert.Contains("age,unknown,1,1,1,true", csv, StringComparison.Ordinal);

        // Scores from `evaluate --data MontgomerySet` name files relative to the folder; the folder's rows join them.
        string predictions = Path.Combine(dir, "predictions.csv");
        File.WriteAllLines(predictions, ["file,label,source,ensemble,decision", .. cases.Select((c, i) => $"CXR_png/{c.Stem}.png,{c.Stem[^1]},montgomery,{0.2 + 0.2 * i},1")]);
        var joined = CaseTables.Join(CaseTables.ReadPredictions(predictions), CaseTables.ReadAttributes(set));
        Assert.Equal(["M", "F", "F", "M"], joined.Select(c => c.Sex));
        Assert.Equal([45.0, 14.0, null, 70.0], joined.Select(c => c.Age));
    }

    [Fact]
    public void Site_calibrate_writes_a_local_threshold_with_cis()
    {
        string dir = TempDir();
        string site = Path.Combine(dir, "site.json");
        var (code, stdout, stderr) = Run("site-calibrate", "--scores", WritePredictions(dir), "--target-sensitivity", "0.9", "--out", site, "--bootstrap", "200");
        Assert.True(code == 0, stderr);
        Assert.Contains("local threshold", stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(site));
        Assert.True(json.RootElement.GetProperty("sensitivity").GetDouble() >= 0.9);
        Assert.Equal(2, json.RootElement.GetProperty("specificityCi").GetArrayLength());
    }

    [Fact]
    public void Site_calibrate_simulate_reports_held_out_results_of_one_source_without_writing_a_profile()
    {
        string dir = TempDir();
        string predictions = WritePredictions(dir);

        // In source a every normal (0.05-0.35) scores below every TB (0.55-0.95), so any threshold chosen on TB cases
        // calls every held-out normal normal; held-out TB below the sample's lowest TB score is missed.
        var (code, stdout, stderr) = Run("site-calibrate", "--scores", predictions, "--source", "a", "--simulate", "5,5", "--repeats", "50");

        Assert.True(code == 0, stderr);
        Assert.Contains("calibrating on 5 TB + 5 normal of 40 cases (20 TB), 50 draws (seed 1)", stdout, StringComparison.Ordinal);
        Assert.Matches(@"sensitivity [01]\.\d{3} \[[01]\.\d{3}, 1\.000\]; reaches the target in \d+% of draws", stdout);
        Assert.Contains("specificity 1.000 [1.000, 1.000]", stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir, "*.json"));
        Assert.Equal(ExitCodes.InvalidInput, Run("site-calibrate", "--scores", predictions, "--source", "a", "--simulate", "20,5").Code);
        Assert.Equal(ExitCodes.InvalidInput, Run("site-calibrate", "--scores", predictions, "--simulate", "twenty").Code);
        Assert.Equal(ExitCodes.InvalidInput, Run("site-calibrate", "--scores", predictions, "--source", "nowhere", "--simulate", "1,1").Code);
        Assert.Equal(ExitCodes.Usage, Run("site-calibrate", "--scores", predictions).Code);
    }

    [Fact]
    public void Bad_arguments_fail_with_a_usage_error()
    {
        string dir = TempDir();
        string predictions = WritePredictions(dir);
        Assert.Equal(ExitCodes.Usage, Run("audit", "--out", dir).Code);
        Assert.Equal(ExitCodes.Usage, Run("audit", "--scores", predictions, "--by", "height", "--out", dir).Code);
        Assert.Equal(ExitCodes.Usage, Run("audit", "--scores", predictions, "--age-bands", "55+,0-14", "--out", dir).Code);
        Assert.Equal(ExitCodes.InvalidInput, Run("audit", "--scores", Path.Combine(dir, "missing.csv"), "--out", dir).Code);
    }
}
