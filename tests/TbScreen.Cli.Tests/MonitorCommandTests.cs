using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TbScreen.Imaging;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;

namespace TbScreen.Cli.Tests;

/// <summary>`tbscreen monitor` on a seeded SQLite database and a hand-made reference.</summary>
public class MonitorCommandTests
{
    // Reference 0.1, 0.2, ..., 1.0: decile edges 0.2, 0.3, ..., 1.0, each of the ten bins a share of 0.1.
    private static readonly double[] Reference = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

    [Fact]
    public async Task Prints_rates_drift_and_alerts_per_site_and_day()
    {
        var (db, reference) = await SeedAsync();

        var (code, stdout, stderr) = CliRunner.Run("monitor", "--db", db, "--reference", reference, "--period", "day", "--min-cases", "4", "--inverted-alert", "0.1");

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal("# TbScreen monitoring: research use only, not a medical device.", lines[0]);
        Assert.Equal($"reference: {reference} (10 scores)", lines[1]);
        Assert.Equal("limits: PSI > 0.25, KS > 0.2, at least 4 results a period; inverted > 0.1; period day", lines[2]);
        // North: the reference's own ten scores, 3 at or above 0.8 called tb, 2 flagged of which 1 unfamiliar: no drift.
        Assert.Equal(["North", "2026-12-01", "10", "0.300", "0.200", "0.100", "0.000", "0.000", "0.000", "1.0000"], Fields(lines, "North"));
        Assert.Contains("  inputs: manufacturer Acme 10; size 2500x2048 10; bits stored 12 10; photometric MONOCHROME2 10".Trim(), lines);
        // South: four scores of 0.95, all in the reference's last bin: PSI = 9 (1e-4 − 0.1) ln(1e-3) + 0.9 ln 10 = 8.283;
        // KS D = 0.9 (at 0.9 the reference CDF is 0.9, South's 0).
        var south = Fields(lines, "South");
        Assert.Equal(["South", "2026-12-01", "4", "1.000", "0.000", "0.000", "0.000", "8.283", "0.900"], south[..9]);
        Assert.Contains("alerts: 1 (South 2026-12-01: PSI 8.283 > 0.25, KS 0.900 > 0.2)", lines);
    }

    [Fact]
    public async Task One_site_only_and_without_a_reference_says_so()
    {
        var (db, _) = await SeedAsync();
        string missing = Path.Combine(Path.GetDirectoryName(db)!, "nowhere.json");

        var (code, stdout, stderr) = CliRunner.Run("monitor", "--db", db, "--site", "north", "--reference", missing);

        Assert.True(code == 0, stderr);
        Assert.Contains($"reference: none ({missing} does not exist: make it with tbscreen monitor reference (docs/sites.md)); drift not computed", stdout);
        Assert.DoesNotContain("South", stdout);
        Assert.Equal(["North", "2026-11-30", "10", "0.300", "0.200", "0.100", "0.000", "-", "-", "-"], Fields(stdout.Split('\n', StringSplitOptions.TrimEntries), "North"));
        Assert.Contains("note: no validation reference: drift not computed", stdout);
        Assert.Contains("alerts: none", stdout);
    }

    [Fact]
    public void A_missing_database_and_a_bad_period_are_refused()
    {
        string db = CliRunner.TempPath("none.db");
        var (code, _, stderr) = CliRunner.Run("monitor", "--db", db);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal($"tbscreen: {db}: no such database file", stderr.Trim());
        Assert.False(File.Exists(db));
        Assert.Equal(ExitCodes.Usage, CliRunner.Run("monitor", "--db", db, "--period", "month").ExitCode);
    }

    [Fact]
    public void The_reference_command_writes_the_ensemble_scores_of_predictions_csv()
    {
        string predictions = CliRunner.TempPath("predictions.csv");
        File.WriteAllText(predictions, "file,label,source,alexnet,googlenet,ensemble,decision,flags\na.png,1,s,0.7,0.9,0.8,0,\nb.png,0,s,0.1,0.3,0.2,0,\n");
        string output = Path.Combine(Path.GetDirectoryName(predictions)!, "evaluation", "reference-scores.json");

        var (code, stdout, stderr) = CliRunner.Run("monitor", "reference", "--scores", predictions, "--out", output, "--model-version", "alexnet@1.0.0+googlenet@1.0.0");

        Assert.True(code == 0, stderr);
        Assert.Equal($"reference of 2 scores (1 TB, 1 not TB) written to {output}", stdout.Trim());
        var reference = TbScreen.Audit.ReferenceScores.Read(output);
        Assert.Equal([0.8, 0.2], reference.Scores);
        Assert.Equal("alexnet@1.0.0+googlenet@1.0.0", reference.ModelVersion);
    }

    private static string[] Fields(string[] lines, string site) =>
        lines.Single(l => l.StartsWith(site + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<(string Db, string Reference)> SeedAsync()
    {
        string db = CliRunner.TempPath("monitor.db");
        string reference = Path.Combine(Path.GetDirectoryName(db)!, "reference-scores.json");
        File.WriteAllText(reference, "{\"scores\": [" + string.Join(", ", Reference.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]}");
        var contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = db });
        contexts.Migrate();
        var store = new EfScreeningStore(contexts);
        for (int i = 0; i < Reference.Length; i++)
        {
            string flag = i == 0 ? "uncertain+unfamiliar" : i == 1 ? "disagreement" : "none";
            await store.SaveOutcomeAsync(Outcome("North", Reference[i], flag));
        }

        for (int i = 0; i < 4; i++)
        {
            await store.SaveOutcomeAsync(Outcome("South", 0.95, "none"));
        }

        // Tuesday 1 December 2026 (ISO week from Monday 30 November).
        await using var ctx = contexts.CreateDbContext();
        await ctx.Results.ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc)));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return (db, reference);
    }

    private static ScreeningOutcome Outcome(string site, double score, string flag) => new()
    {
        Source = "x.dcm",
        Status = ScreeningStatus.Ok,
        ContentSha256 = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
        Metadata = new RadiographMetadata { Manufacturer = "Acme" },
        EnsembleProbability = score,
        Decision = score >= 0.8 ? "tb" : "not-tb",
        Flag = flag,
        DecidedBy = new DecidingProfile(site, 1, 0.8, "station: X"),
        Input = new InputProperties(2048, 2500, 12, "MONOCHROME2"),
        ModelVersion = "alexnet@1.0.0+googlenet@1.0.0",
    };
}
