using System.CommandLine;
using TbScreen.Cli.Batch;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen screen PATH... [--recursive] [--out results.csv|results.json] [--jobs N] [--db CONNECTION] [--job ID]
/// [--models DIR] [--broker URI]`: screens files and folders in parallel, here or (--broker) on queue workers. Without --out, one line per file on stdout (the original
/// format) and one stderr line per failed file; with --out, a CSV or JSON row per file, streamed, with progress on
/// stderr and the job kept in a database so a killed run resumes. Exit 0 when every file was screened, 1 when some
/// were not (the others are still done), 2 for usage errors, 4 for a model problem. docs/cli.md has the contract.
/// </summary>
public static class ScreenCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var paths = new Argument<string[]>("PATH") { Description = "DICOM (any extension), PNG or JPEG files, and folders.", Arity = ArgumentArity.OneOrMore };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Walk folders' subfolders too." };
        var output = new Option<string?>("--out", "-o") { Description = "Write rows to results.csv or results.json (streamed; the job becomes resumable)." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Parallel workers (default: the number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var db = new Option<string?>("--db") { Description = $"Job database: a SQLite path or connection string, or PostgreSQL (Host=...). Default with --out: {BatchScreening.DefaultDatabaseName} beside the output." };
        var job = new Option<string?>("--job") { Description = "Explicit job ID (default: a hash of the input files and the model version)." };
        var stability = new Option<bool>("--stability-check") { Description = "Flag 'unstable' when a perturbation of at most --stability-eps per pixel flips the call (slower; docs/robustness.md)." };
        var stabilityEps = new Option<string>("--stability-eps") { Description = "Stability check radius in [0,1] units, fractions allowed.", DefaultValueFactory = _ => "2/255" };
        var broker = BrokerCliOptions.CreateBroker("Screen on `tbscreen worker` processes over this RabbitMQ broker (amqp://...): the items are published, progress is followed in --db (PostgreSQL), and the rows are written here in input order.");
        var models = new EnsembleCliOptions();
        var siteProfile = new SiteProfileCliOption();
        var command = new Command("screen", "Screen radiographs and folders with the model ensemble: scores, decision and disagreement flag. Research use only.")
        {
            paths, recursive, output, jobs, db, job, stability, stabilityEps, broker,
        };
        models.AddTo(command);
        siteProfile.AddTo(command);
        jobs.Validators.Add(result =>
        {
            // Read the token: a non-number is the parser's error to report, and GetValueOrDefault would throw on it.
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, out int n) && n is < 1 or > 256)
            {
                result.AddError("--jobs must be between 1 and 256.");
            }
        });
        stabilityEps.Validators.Add(result =>
        {
            try
            {
                ParseFraction(result.GetValueOrDefault<string>() ?? "");
            }
            catch (ArgumentException e)
            {
                result.AddError(e.Message);
            }
        });
        output.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } path && BatchScreening.FormatOf(path) is null)
            {
                result.AddError($"--out {path}: the name must end in .csv or .json.");
            }
        });

        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            int workers = result.GetValue(jobs);
            // Distributed runs are checked before the models load: a SQLite --db is a usage error, said at once.
            string? brokerUri = BrokerCliOptions.Broker(result, broker, required: false);
            string? database = result.GetValue(db);
            if (brokerUri is not null)
            {
                database = BrokerCliOptions.PostgresDatabase(database);
            }

            var profile = siteProfile.Load(result);
            // One intra-op thread per worker unless --threads says otherwise: files in parallel beat threads inside one
            // net here (measured: --jobs 1 with 2 ONNX threads ran 2.7x slower than with 1 on 2 cores; docs/benchmarks.md).
            using var ensemble = models.Load(result, stderr, threadsWhenUnset: 1);
            var settings = new BatchSettings
            {
                Paths = result.GetValue(paths)!,
                Recursive = result.GetValue(recursive),
                Output = result.GetValue(output),
                Jobs = workers,
                Database = database,
                Broker = brokerUri,
                JobId = result.GetValue(job),
                StabilityCheck = result.GetValue(stability),
                StabilityEpsilon = ParseFraction(result.GetValue(stabilityEps)!),
                SiteProfile = profile,
            };
            if (profile is not null)
            {
                stderr.WriteLine($"tbscreen: decisions by {SiteProfileCliOption.Describe(profile, result.GetValue(siteProfile.Option))}");
            }

            return new BatchScreening(stdout, stderr).Run(ensemble, settings);
        }));
        return command;
    }

    /// <summary>"2/255" or "0.008".</summary>
    internal static double ParseFraction(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length is 1 or 2 && parts.All(p => double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            double value = double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            value = parts.Length == 1 ? value : value / double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            if (value is > 0 and < 1)
            {
                return value;
            }
        }

        throw new ArgumentException($"--stability-eps '{text}' must be a number in (0,1) or a fraction like 2/255.");
    }
}
