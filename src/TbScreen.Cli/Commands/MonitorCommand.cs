using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TbScreen.Audit;
using TbScreen.Inference.Evaluation;
using TbScreen.Screening.Monitoring;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen monitor --db CONNECTION [--site NAME] [--period week|day] [--since DATE] [--models DIR] [--reference FILE]`:
/// per site and period, the score drift against the validation reference (PSI, KS), the positive, flagged and
/// unfamiliar rates and the input properties, with alerts; `tbscreen monitor reference` makes the reference file.
/// </summary>
public static class MonitorCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var db = new Option<string>("--db") { Description = "The screening database: a SQLite path or connection string, or PostgreSQL (Host=...).", Required = true };
        var site = new Option<string?>("--site") { Description = "Only this site (\"(no site)\" for results no rule assigned)." };
        var period = new Option<string>("--period") { Description = "week (ISO, Monday first, UTC) or day.", DefaultValueFactory = _ => MonitoringPeriods.Week };
        var since = new Option<string?>("--since") { Description = "Only results screened on or after this UTC date (yyyy-MM-dd)." };
        var models = new Option<string>("--models") { Description = "The models folder holding evaluation/reference-scores.json.", DefaultValueFactory = _ => "models" };
        var reference = new Option<string?>("--reference") { Description = "The reference-scores.json to compare against (default: MODELS/evaluation/reference-scores.json)." };
        var psi = new Option<double>("--psi-alert") { Description = "Alert when PSI exceeds this.", DefaultValueFactory = _ => new MonitoringOptions().PsiAlert };
        var ks = new Option<double>("--ks-alert") { Description = "Alert when the KS statistic exceeds this.", DefaultValueFactory = _ => new MonitoringOptions().KsAlert };
        var inverted = new Option<double>("--inverted-alert") { Description = "Alert when more than this share of a period's results look inverted (at least 3).", DefaultValueFactory = _ => new MonitoringOptions().InvertedAlert };
        var minimum = new Option<int>("--min-cases") { Description = "Fewest results in a period for PSI and KS.", DefaultValueFactory = _ => new MonitoringOptions().MinimumCases };
        var command = new Command("monitor", "Per-site drift and rates over time against the validation reference. Research use only.")
        {
            db, site, period, since, models, reference, psi, ks, inverted, minimum,
        };
        period.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not (MonitoringPeriods.Week or MonitoringPeriods.Day))
            {
                r.AddError("--period must be week or day.");
            }
        });
        since.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                r.AddError($"--since '{text}' must be a date yyyy-MM-dd.");
            }
        });
        command.Subcommands.Add(ReferenceCommand(stdout));
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string database = result.GetValue(db)!;
            var options = new MonitoringOptions
            {
                PsiAlert = result.GetValue(psi),
                KsAlert = result.GetValue(ks),
                InvertedAlert = result.GetValue(inverted),
                MinimumCases = result.GetValue(minimum),
                Period = result.GetValue(period)!,
                ReferenceFile = result.GetValue(reference) is { } file ? Path.GetFullPath(file) : new MonitoringOptions().ReferenceFile,
            };
            DateTime? from = result.GetValue(since) is { } day
                ? DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : null;
            MonitoringReport report;
            try
            {
                var factory = Open(database);
                report = new MonitoringService(factory, options, Path.GetFullPath(result.GetValue(models)!)).ReportAsync(result.GetValue(site), from).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException)
            {
                stderr.WriteLine($"tbscreen: database {Redacted(database)}: {e.GetBaseException().Message}");
                return ExitCodes.Usage;
            }

            stdout.Write(MonitoringText.Format(report));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ReferenceCommand(TextWriter stdout)
    {
        var scores = new Option<string>("--scores") { Description = "predictions.csv of `tbscreen evaluate --split validation`.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "reference-scores.json to write (models/evaluation/reference-scores.json).", Required = true };
        var version = new Option<string?>("--model-version") { Description = "The models that produced the scores (e.g. alexnet@1.0.0+googlenet@1.0.0)." };
        var command = new Command("reference", "Write the validation reference (ensemble scores) that monitoring compares against.") { scores, output, version };
        command.SetAction(result => ExitCodes.Guard(TextWriter.Null, () =>
        {
            string path = InputFiles.Require(result.GetValue(scores)!);
            var reference = ReferenceScores.FromPredictions(path, result.GetValue(version), DateTime.UtcNow);
            string outFile = result.GetValue(output)!;
            OutputFiles.Write(outFile, reference.ToJson());
            stdout.WriteLine($"reference of {reference.Scores.Count} scores ({reference.Positives} TB, {reference.Negatives} not TB) written to {outFile}");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>A SQLite file must exist (a typo must not create an empty database and report "no results").</summary>
    private static ScreeningDbContextFactory Open(string database)
    {
        var factory = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = database });
        if (factory.Provider == DatabaseProvider.Sqlite)
        {
            string file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.Contains('=', StringComparison.Ordinal) ? database : $"Data Source={database}").DataSource;
            if (!File.Exists(file))
            {
                throw new ManifestException(file, "no such database file");
            }
        }

        // Older databases lack the site and input columns: migrate them as `screen` does.
        factory.Migrate();
        return factory;
    }

    /// <summary>Connection strings may hold a password: name the database without it.</summary>
    private static string Redacted(string database) =>
        System.Text.RegularExpressions.Regex.Replace(database, "(?i)(password|pwd)=[^;]*", "$1=***");
}
